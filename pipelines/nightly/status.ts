/**
 * `rijm status`: the last runs and their outcome, what each gemeente delivered and when, and which
 * gemeente is overdue (nothing delivered for longer than its profile's `leverritmeDagen`, default 31).
 *
 * Reads the published warehouse read-only (so it works during a run and never blocks one), the run
 * journal for runs that failed (their warehouse was discarded), and the lock file for a run in progress.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../lib/command.js';
import { Warehouse } from '../lib/db.js';
import { UsageError } from '../lib/errors.js';
import { gemeenten } from '../lib/gemeenten.js';
import { type DataLayout, dataLayout, profilesDir } from '../lib/paths.js';
import { loadProfiles } from '../lib/profiles.js';
import { processIsAlive, readLock } from './lock.js';
import { publishedNames } from './publish.js';
import { type JournalLine, journalPath, type RunStatus } from './run.js';

export const DEFAULT_LEVERRITME_DAGEN = 31;

export interface RunRow {
  run_id: string;
  started_at: string;
  ended_at: string | null;
  status: RunStatus | 'running';
  peildatum: string | null;
  note: string;
}

export interface GemeenteDeliveries {
  gemeente: string;
  naam: string;
  files: number;
  rejected: number;
  lastDelivery: string | null;
  types: string;
  leverritmeDagen: number;
  daysSince: number | null;
  overdue: boolean;
}

export interface Status {
  published: boolean;
  inProgress: string | null;
  runs: RunRow[];
  deliveries: GemeenteDeliveries[];
}

function readJournal(layout: DataLayout): JournalLine[] {
  const path = journalPath(layout);
  if (!existsSync(path)) return [];
  const lines: JournalLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      lines.push(JSON.parse(text) as JournalLine);
    } catch {
      // A line cut short by a crash while appending: the run it described is in no other record either.
    }
  }
  return lines;
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Collects the status; `profiles` maps CBS code → delivery rhythm in days. */
export async function readStatus(
  layout: DataLayout,
  options: {
    now: Date;
    runs: number;
    rhythm: (gemeente: string) => number;
    isAlive?: (pid: number) => boolean;
  },
): Promise<Status> {
  const isAlive = options.isAlive ?? processIsAlive;
  const lock = readLock(layout.lockFile);
  const inProgress = lock
    ? isAlive(lock.pid)
      ? `run ${lock.runId} in progress since ${lock.startedAt} (pid ${lock.pid})`
      : `run ${lock.runId} (pid ${lock.pid}, started ${lock.startedAt}) did not finish; the next run takes over its lock`
    : null;

  const byId = new Map<string, RunRow>();
  for (const j of readJournal(layout)) {
    byId.set(j.run_id, {
      run_id: j.run_id,
      started_at: j.started_at,
      ended_at: j.ended_at,
      status: j.status,
      peildatum: j.peildatum,
      note:
        j.status === 'failed'
          ? `failed at ${j.failed_step}: ${j.error ?? ''}`
          : `${j.files} files, ${j.rejected_files} rejected, ${j.rows_loaded} rows, ${j.rows_quarantined} quarantined`,
    });
  }

  const deliveries: GemeenteDeliveries[] = [];
  const pubPath = join(layout.published, publishedNames.warehouse);
  const published = existsSync(pubPath);
  const lastByGemeente = new Map<
    string,
    { files: number; rejected: number; last: string | null; types: string }
  >();
  if (published) {
    const db = await Warehouse.open(pubPath, { readOnly: true });
    try {
      for (const r of await db.all(
        `select run_id, started_at, ended_at, status, peildatum::varchar as peildatum from meta.runs
         order by started_at desc limit $1`,
        [options.runs],
      )) {
        const id = String(r.run_id);
        if (!byId.has(id)) {
          byId.set(id, {
            run_id: id,
            started_at: iso(r.started_at) ?? '',
            ended_at: iso(r.ended_at),
            status: r.status as RunStatus,
            peildatum: iso(r.peildatum),
            note: '',
          });
        }
      }
      for (const r of await db.all(
        `select gemeente,
                count(*) filter (where result in ('geladen', 'deels_afgewezen')) as files,
                count(*) filter (where result = 'afgewezen') as rejected,
                strftime(max(coalesce(received_at, loaded_at)) filter (where result in ('geladen', 'deels_afgewezen')), '%Y-%m-%d') as last,
                coalesce(string_agg(distinct file_type, ', ' order by file_type) filter (where result in ('geladen', 'deels_afgewezen')), '') as types
         from meta.deliveries group by gemeente`,
      )) {
        lastByGemeente.set(String(r.gemeente), {
          files: Number(r.files),
          rejected: Number(r.rejected),
          last: r.last === null ? null : String(r.last),
          types: String(r.types),
        });
      }
    } finally {
      db.close();
    }
  }
  const today = Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), options.now.getUTCDate());
  for (const g of gemeenten) {
    const d = lastByGemeente.get(g.cbsCode);
    const rhythm = options.rhythm(g.cbsCode);
    const daysSince = d?.last ? Math.round((today - Date.parse(`${d.last}T00:00:00Z`)) / 86_400_000) : null;
    deliveries.push({
      gemeente: g.cbsCode,
      naam: g.naam,
      files: d?.files ?? 0,
      rejected: d?.rejected ?? 0,
      lastDelivery: d?.last ?? null,
      types: d?.types ?? '',
      leverritmeDagen: rhythm,
      daysSince,
      overdue: daysSince === null || daysSince > rhythm,
    });
  }
  const runs = [...byId.values()]
    .sort((a, b) => b.started_at.localeCompare(a.started_at))
    .slice(0, options.runs);
  return { published, inProgress, runs, deliveries };
}

export function formatStatus(status: Status): string {
  const lines: string[] = [];
  if (status.inProgress) lines.push(status.inProgress, '');
  if (!status.published) lines.push('Nothing published yet: run `rijm nightly` first.', '');
  lines.push('Last runs:');
  if (!status.runs.length) lines.push('  (none)');
  for (const r of status.runs) {
    lines.push(
      `  ${r.run_id}  ${r.status.padEnd(8)}  peildatum ${r.peildatum ?? '-'}  ended ${r.ended_at ?? '-'}${r.note ? `  ${r.note}` : ''}`,
    );
  }
  if (status.published) {
    lines.push(
      '',
      'Deliveries (published warehouse):',
      '  gemeente                 files  rejected  last delivery  types',
    );
    for (const d of status.deliveries) {
      lines.push(
        `  ${`${d.gemeente} ${d.naam}`.padEnd(24)} ${String(d.files).padStart(5)}  ${String(d.rejected).padStart(8)}  ${(d.lastDelivery ?? '-').padEnd(13)}  ${d.types || '-'}`,
      );
    }
    const overdue = status.deliveries.filter((d) => d.overdue);
    lines.push('', overdue.length ? 'Overdue:' : 'Overdue: none');
    for (const d of overdue) {
      lines.push(
        `  ${d.gemeente} ${d.naam}: ${d.daysSince === null ? 'never delivered' : `last delivery ${d.daysSince} days ago`} (rhythm ${d.leverritmeDagen} days)`,
      );
    }
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'status',
  summary: 'the last runs, what each gemeente delivered and when, and who is overdue',
  help: `Shows the last nightly runs and their outcome, the deliveries per gemeente and which gemeente
has delivered nothing for longer than its rhythm (profiles/<GM code>.json: leverritmeDagen, default 31).
Reads <data-dir>/published/rijm.duckdb read-only, so it can run at any time, also during a run.

Options:
  --runs N   how many runs to show (default 10)`,
  options: { runs: { type: 'string', default: '10' } },
  async run(ctx) {
    const runs = Number(ctx.options.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new UsageError(`--runs: expected a positive whole number, got ${ctx.options.runs}`);
    const profiles = loadProfiles(profilesDir);
    const status = await readStatus(dataLayout(ctx.dataDir), {
      now: ctx.clock(),
      runs,
      rhythm: (code) => profiles.get(code)?.leverritmeDagen ?? DEFAULT_LEVERRITME_DAGEN,
    });
    ctx.out.write(`${formatStatus(status)}\n`);
    return 0;
  },
};
