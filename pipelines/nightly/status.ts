/**
 * `rijm status`: the last runs and their outcome, the publication and its age, what each gemeente
 * delivered and when, and which gemeente is overdue (nothing delivered for longer than its profile's
 * `leverritmeDagen`, default 31). `--json` gives the same for a program; `--check` judges it against
 * thresholds and exits non-zero with one line per problem, for a monitoring system (the exit codes of a
 * Nagios/Icinga plugin), a systemd `ExecStartPost=` or cron's mail.
 *
 * Reads the published warehouse read-only (so it works during a run and never blocks one), the run
 * journal for runs that failed, were refused or were interrupted (their warehouse was discarded), and the
 * lock for a run in progress.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../lib/command.js';
import { Warehouse } from '../lib/db.js';
import { RijmError, UsageError } from '../lib/errors.js';
import { type DataLayout, dataLayout, heldLockFile } from '../lib/paths.js';
import { localDateTime } from '../lib/time.js';
import {
  DEFAULT_LEVERRITME_DAGEN,
  describeOverdue,
  type GemeenteDeliveries,
  readDeliveries,
  rhythmFromProfiles,
} from './deliveries.js';
import { type JournalRun, type JournalStatus, journalPath, readJournal } from './journal.js';
import { lockState } from './lock.js';
import { publishedNames } from './publish.js';

export { DEFAULT_LEVERRITME_DAGEN };

export interface RunRow {
  run_id: string;
  command: string;
  started_at: string;
  ended_at: string | null;
  /** `running` only for the run that holds the lock now; a run that never ended is `interrupted`. */
  status: JournalStatus;
  exit_code: number | null;
  peildatum: string | null;
  /** The step it failed or was interrupted in (or is in now). */
  step: string | null;
  error: string | null;
  files: number;
  rejected_files: number;
  rows_loaded: number;
  rows_quarantined: number;
  release: string | null;
}

export interface Publication {
  path: string;
  runId: string | null;
  status: string | null;
  endedAt: string | null;
  ageHours: number | null;
  /** What the published run rejected (files and zip members, with the gemeente's reason) and quarantined. */
  rejectedDeliveries: unknown[];
  quarantine: unknown[];
}

/** A data directory RIJM has used, one that does not exist, or a folder that is not one. */
export type DataDirKind = 'rijm' | 'missing' | 'not_rijm';

export interface Status {
  dataDir: string;
  kind: DataDirKind;
  now: string;
  inProgress: {
    runId: string;
    command: string;
    pid: number | null;
    startedAt: string;
    step: string | null;
  } | null;
  runs: RunRow[];
  publication: Publication | null;
  deliveries: GemeenteDeliveries[];
}

/** Whether `layout.root` is a data directory RIJM has used: it holds what a run or an ingest leaves. */
export function dataDirKind(layout: DataLayout): DataDirKind {
  if (!existsSync(layout.root)) return 'missing';
  if (!statSync(layout.root).isDirectory()) return 'not_rijm';
  const marks = [
    journalPath(layout),
    layout.warehouse,
    join(layout.published, publishedNames.warehouse),
    layout.archive,
    heldLockFile(layout.lockFile),
  ];
  return marks.some((m) => existsSync(m)) ? 'rijm' : 'not_rijm';
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // DuckDB's TIMESTAMP as text: meta.* stores UTC.
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
}

function fromJournal(j: JournalRun): RunRow {
  return {
    run_id: j.run_id,
    command: j.command,
    started_at: j.started_at,
    ended_at: j.ended_at,
    status: j.status,
    exit_code: j.exit_code,
    peildatum: j.peildatum,
    step: j.failed_step ?? (j.status === 'running' || j.status === 'interrupted' ? j.step : null),
    error: j.error,
    files: j.files,
    rejected_files: j.rejected_files,
    rows_loaded: j.rows_loaded,
    rows_quarantined: j.rows_quarantined,
    release: j.release,
  };
}

/** Collects the status. `rhythm` maps a CBS code to its delivery rhythm in days. */
export async function readStatus(
  layout: DataLayout,
  options: {
    now: Date;
    runs: number;
    rhythm: (gemeente: string) => number;
    /** /proc/locks, for tests. */
    locks?: () => string;
  },
): Promise<Status> {
  const status: Status = {
    dataDir: layout.root,
    kind: dataDirKind(layout),
    now: options.now.toISOString(),
    inProgress: null,
    runs: [],
    publication: null,
    deliveries: [],
  };
  if (status.kind !== 'rijm') return status;

  const lock = lockState(layout.lockFile, options.locks);
  const holder = lock.held ? lock.owner : undefined;
  const byId = new Map<string, RunRow>();
  for (const j of readJournal(layout)) {
    const row = fromJournal(j);
    // A run that started and never ended is running only while it holds the lock.
    if (row.status === 'running' && row.run_id !== holder?.runId) row.status = 'interrupted';
    byId.set(row.run_id, row);
  }
  if (lock.held) {
    const run = holder ? byId.get(holder.runId) : undefined;
    status.inProgress = {
      runId: holder?.runId ?? '',
      command: holder?.command ?? 'nightly',
      pid: lock.pid ?? holder?.pid ?? null,
      startedAt: holder?.startedAt ?? '',
      step: run?.step ?? null,
    };
  }

  const pubPath = join(layout.published, publishedNames.warehouse);
  if (existsSync(pubPath)) {
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
            command: 'nightly',
            started_at: iso(r.started_at) ?? '',
            ended_at: iso(r.ended_at),
            status: r.status as JournalStatus,
            exit_code: null,
            peildatum: iso(r.peildatum),
            step: null,
            error: null,
            files: 0,
            rejected_files: 0,
            rows_loaded: 0,
            rows_quarantined: 0,
            release: null,
          });
        }
      }
      const last = await db.one(
        `select run_id, status, ended_at, summary::varchar as summary from meta.runs
         where status in ('ok', 'rejected') order by started_at desc limit 1`,
      );
      const endedAt = last ? iso(last.ended_at) : new Date(statSync(pubPath).mtimeMs).toISOString();
      let summary: { rejectedDeliveries?: unknown[]; quarantine?: unknown[] } = {};
      try {
        summary = last?.summary ? JSON.parse(String(last.summary)) : {};
      } catch {
        summary = {};
      }
      status.publication = {
        path: pubPath,
        runId: last ? String(last.run_id) : null,
        status: last ? String(last.status) : null,
        endedAt,
        ageHours: endedAt ? (options.now.getTime() - Date.parse(endedAt)) / 3_600_000 : null,
        rejectedDeliveries: summary.rejectedDeliveries ?? [],
        quarantine: summary.quarantine ?? [],
      };
      status.deliveries = await readDeliveries(db, options.now, options.rhythm);
    } finally {
      db.close();
    }
  }
  status.runs = [...byId.values()]
    .sort((a, b) => b.started_at.localeCompare(a.started_at))
    .slice(0, options.runs);
  return status;
}

/** The thresholds of `--check`. */
export interface Thresholds {
  /** A publication older than this many hours is a problem. */
  maxAgeHours: number;
  /** How an overdue gemeente counts. */
  overdue: 'warning' | 'critical' | 'ignore';
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxAgeHours: 26, overdue: 'warning' };

export type Severity = 'warning' | 'critical' | 'unknown';

export interface Problem {
  severity: Severity;
  /** A stable code for programs: not_a_data_dir, no_publication, last_run_failed, stale_publication, overdue. */
  code: string;
  message: string;
}

/** The exit codes of `--check`: those of a Nagios/Icinga plugin. */
export const CheckCode = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

/** The last run that ended (a refusal by the lock is not one: another run was busy). */
function lastEnded(status: Status): RunRow | undefined {
  return status.runs.find((r) => r.status !== 'busy' && r.status !== 'running');
}

function when(isoTime: string | null): string {
  return isoTime ? localDateTime(new Date(isoTime)) : 'an unknown time';
}

/** Judges the status against the thresholds: every problem, the worst first. */
export function checkStatus(status: Status, thresholds: Thresholds = DEFAULT_THRESHOLDS): Problem[] {
  const problems: Problem[] = [];
  if (status.kind === 'missing') {
    return [
      {
        severity: 'unknown',
        code: 'not_a_data_dir',
        message: `${status.dataDir} does not exist: check --data-dir`,
      },
    ];
  }
  if (status.kind === 'not_rijm') {
    return [
      {
        severity: 'unknown',
        code: 'not_a_data_dir',
        message: `${status.dataDir} is not a RIJM data directory (no runs.jsonl, warehouse/, archive/ or published/): check --data-dir`,
      },
    ];
  }
  const last = lastEnded(status);
  if (last && (last.status === 'failed' || last.status === 'interrupted')) {
    const how =
      last.status === 'failed'
        ? `failed${last.step ? ` at step ${last.step}` : ''}${last.error ? `: ${last.error.split('\n')[0]}` : ''}`
        : `did not finish (interrupted during step ${last.step ?? 'start'})`;
    problems.push({
      severity: 'critical',
      code: 'last_run_failed',
      message: `last run ${last.run_id} (started ${when(last.started_at)}) ${how}`,
    });
  }
  const pub = status.publication;
  if (!pub) {
    problems.push({ severity: 'critical', code: 'no_publication', message: 'nothing published yet' });
  } else if (pub.ageHours === null || pub.ageHours > thresholds.maxAgeHours) {
    problems.push({
      severity: 'critical',
      code: 'stale_publication',
      message: `the publication is ${pub.ageHours === null ? 'of unknown age' : `${pub.ageHours.toFixed(1)} hours old`} (run ${pub.runId ?? '?'}, ended ${when(pub.endedAt)}): more than ${thresholds.maxAgeHours} hours`,
    });
  }
  if (thresholds.overdue !== 'ignore') {
    for (const d of status.deliveries.filter((g) => g.overdue)) {
      problems.push({
        severity: thresholds.overdue,
        code: 'overdue',
        message: `overdue: ${describeOverdue(d)}`,
      });
    }
  }
  const rank: Record<Severity, number> = { critical: 0, unknown: 1, warning: 2 };
  return problems.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** The exit code of `--check` for these problems. */
export function checkCode(problems: Problem[]): number {
  if (problems.some((p) => p.severity === 'critical')) return CheckCode.critical;
  if (problems.some((p) => p.severity === 'unknown')) return CheckCode.unknown;
  if (problems.length) return CheckCode.warning;
  return CheckCode.ok;
}

/** The lines of `--check`: one per problem, the worst first; one line saying all is well when it is. */
export function formatCheck(status: Status, problems: Problem[]): string {
  if (problems.length) return problems.map((p) => `${p.severity.toUpperCase()}: ${p.message}`).join('\n');
  const last = lastEnded(status);
  const pub = status.publication;
  return [
    'OK: ',
    last ? `last run ${last.run_id} ${last.status}, ` : '',
    pub?.ageHours !== null && pub?.ageHours !== undefined
      ? `publication ${pub.ageHours.toFixed(1)} hours old, `
      : '',
    'no gemeente overdue',
  ].join('');
}

function runNote(r: RunRow): string {
  switch (r.status) {
    case 'failed':
      return `failed${r.step ? ` at ${r.step}` : ''}: ${(r.error ?? '').split('\n')[0]}`;
    case 'interrupted':
      return `did not finish: interrupted during step ${r.step ?? 'start'}`;
    case 'busy':
      return 'not started: another run held the lock';
    case 'running':
      return `in progress, step ${r.step ?? 'start'}`;
    default:
      return r.files || r.rows_loaded
        ? `${r.files} files, ${r.rejected_files} rejected, ${r.rows_loaded} rows, ${r.rows_quarantined} quarantined`
        : '';
  }
}

export function formatStatus(status: Status, problems: Problem[] = checkStatus(status)): string {
  const lines: string[] = [];
  if (status.inProgress) {
    const p = status.inProgress;
    lines.push(
      `In progress: ${p.command} run ${p.runId || '?'} (pid ${p.pid ?? '?'}) since ${when(p.startedAt || null)}${p.step ? `, step ${p.step}` : ''}`,
      '',
    );
  }
  if (!status.publication) lines.push('Nothing published yet: run `rijm nightly` first.', '');
  else {
    const pub = status.publication;
    lines.push(
      `Published: run ${pub.runId ?? '?'}, ended ${when(pub.endedAt)}${pub.ageHours !== null ? ` (${pub.ageHours.toFixed(1)} hours ago)` : ''}`,
      '',
    );
  }
  lines.push('Last runs:');
  if (!status.runs.length) lines.push('  (none)');
  for (const r of status.runs) {
    const note = runNote(r);
    lines.push(
      `  ${r.run_id}  ${r.status.padEnd(11)}  peildatum ${r.peildatum ?? '-'}  ended ${r.ended_at ? localDateTime(new Date(r.ended_at)) : '-'}${note ? `  ${note}` : ''}`,
    );
  }
  if (status.publication) {
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
    for (const d of overdue) lines.push(`  ${describeOverdue(d)}`);
  }
  const serious = problems.filter((p) => p.code !== 'overdue' && p.code !== 'no_publication');
  if (serious.length) {
    lines.push('', 'Problems (rijm status --check exits non-zero for these):');
    for (const p of serious) lines.push(`  ${p.severity.toUpperCase()}: ${p.message}`);
  }
  return lines.join('\n');
}

function positiveNumber(name: string, value: unknown): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) {
    throw new UsageError(`--${name}: expected a positive number, got ${JSON.stringify(value)}`);
  }
  return n;
}

export const command: Command = {
  name: 'status',
  summary: 'the last runs, the publication, deliveries and who is overdue; --check for monitoring',
  help: `Shows the last nightly runs and their outcome (also failed, refused and interrupted ones), the
publication and its age, the deliveries per gemeente, and which gemeente has delivered nothing for
longer than its rhythm (profiles/<GM code>.json: leverritmeDagen, default ${DEFAULT_LEVERRITME_DAGEN}). Reads
<data-dir>/published/rijm.duckdb read-only and the run journal, so it can run at any time, also during
a run, and never delays one.

Options:
  --runs N               how many runs to show (default 10)
  --json                 the same as one JSON object, for a program (times in UTC, ISO 8601)
  --check                judge the state and exit non-zero with one line per problem:
                           last run failed or interrupted, publication too old, nothing published,
                           a gemeente overdue, a data directory that is not RIJM's
  --max-age HOURS        with --check: the oldest a publication may be (default ${DEFAULT_THRESHOLDS.maxAgeHours})
  --overdue LEVEL        with --check: how an overdue gemeente counts: warning (default), critical, ignore

Exit codes: without --check 0, or 1 when the data directory is not RIJM's. With --check those of a
Nagios/Icinga plugin: 0 OK, 1 WARNING (a gemeente overdue), 2 CRITICAL (last run failed or interrupted,
publication too old or missing), 3 UNKNOWN (not a RIJM data directory).`,
  options: {
    runs: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    'max-age': { type: 'string' },
    overdue: { type: 'string' },
  },
  async run(ctx) {
    const runs = Number(ctx.options.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new UsageError(`--runs: expected a positive whole number, got ${ctx.options.runs}`);
    const check = ctx.options.check === true;
    if (!check && (ctx.options['max-age'] !== undefined || ctx.options.overdue !== undefined))
      throw new UsageError('--max-age and --overdue are thresholds of --check: add --check');
    const overdue = String(ctx.options.overdue ?? DEFAULT_THRESHOLDS.overdue);
    if (overdue !== 'warning' && overdue !== 'critical' && overdue !== 'ignore')
      throw new UsageError(`--overdue: expected warning, critical or ignore, got ${overdue}`);
    const thresholds: Thresholds = {
      maxAgeHours:
        ctx.options['max-age'] === undefined
          ? DEFAULT_THRESHOLDS.maxAgeHours
          : positiveNumber('max-age', ctx.options['max-age']),
      overdue,
    };
    if (ctx.positionals.length) throw new UsageError(`unexpected argument: ${ctx.positionals[0]}`);
    const status = await readStatus(dataLayout(ctx.dataDir), {
      now: ctx.clock(),
      runs,
      rhythm: rhythmFromProfiles(),
    });
    const problems = checkStatus(status, thresholds);
    if (ctx.options.json === true) {
      const code = check ? checkCode(problems) : status.kind === 'rijm' ? 0 : 1;
      ctx.out.write(
        `${JSON.stringify({ ...status, ...(check ? { check: { code, problems } } : {}) }, null, 2)}\n`,
      );
      return code;
    }
    if (check) {
      ctx.out.write(`${formatCheck(status, problems)}\n`);
      return checkCode(problems);
    }
    if (status.kind !== 'rijm') throw new RijmError(problems[0]!.message);
    ctx.out.write(`${formatStatus(status, problems)}\n`);
    return 0;
  },
};
