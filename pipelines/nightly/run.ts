/**
 * One nightly run: discover → ingest → build + data tests → reports → exports (and the research file)
 * → publish, on a copy of the working warehouse, under the data directory's lock. See publish.ts for
 * the publication rules and docs/nachtelijke-run.md for the operator's view.
 *
 * Bad data does not fail a run: it is counted and makes the status `rejected` (exit code 3). A step that
 * throws fails the run (exit code 1): nothing is published, the working warehouse stays as it was, and
 * the outcome is appended to the run journal (`runs.jsonl`), since the warehouse it would be recorded in
 * is discarded.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exportMarts } from '../export/index.js';
import { buildResearchFile } from '../export/research.js';
import { discoverInbox } from '../ingest/discover.js';
import type { Warehouse } from '../lib/db.js';
import { ExitCode, RijmError } from '../lib/errors.js';
import { gemeenteByCbsCode } from '../lib/gemeenten.js';
import type { Logger } from '../lib/log.js';
import { type DataLayout, dataLayout } from '../lib/paths.js';
import type { SecretKey } from '../lib/pseudonym.js';
import { openWarehouse } from '../lib/warehouse.js';
import { acquireLock } from './lock.js';
import { clearWork, copyWorkingWarehouse, type PublishPoint, publish, publishedNames } from './publish.js';
import type { IngestResult, NightlySteps } from './steps.js';

export const STEPS = ['discover', 'ingest', 'build', 'reports', 'exports', 'publish'] as const;
export type Step = (typeof STEPS)[number];
/** Every point a run can be paused at for a test: after each step, and inside the publication. */
export type PausePoint = Step | PublishPoint;
export const PAUSE_POINTS: readonly PausePoint[] = [
  'discover',
  'ingest',
  'build',
  'reports',
  'exports',
  'staged',
  'working',
  'publish',
];

export type RunStatus = 'ok' | 'rejected' | 'failed';

export interface StepRecord {
  step: Step;
  ms: number;
  counts: Record<string, unknown>;
}

export interface RejectedDelivery {
  gemeente: string;
  file_name: string;
  /** The zip member, when the rejection is of one file inside a zip. */
  member_name: string | null;
  result: string;
  reason: string | null;
  records_quarantined: number;
}

export interface QuarantineCount {
  gemeente: string;
  rule: string;
  n: number;
}

export interface RunResult {
  runId: string;
  startedAt: string;
  endedAt: string;
  status: RunStatus;
  exitCode: number;
  peildatum: string | null;
  steps: StepRecord[];
  /** The step that failed, when the run failed. */
  failedStep?: Step;
  error?: string;
  ingest?: IngestResult;
  rejectedDeliveries: RejectedDelivery[];
  quarantine: QuarantineCount[];
  /** Paths now published (empty when the run failed). */
  published: string[];
}

export interface NightlyOptions {
  inbox: string;
  dataDir: string;
  peildatum?: string;
  pdf?: 'auto' | 'yes' | 'no';
  pseudonymKey: SecretKey;
  researchKey: SecretKey;
  concurrency?: number;
}

export interface NightlyContext {
  steps: NightlySteps;
  log: Logger;
  clock: () => Date;
  /** A line for a person watching on a terminal; absent when nobody is. */
  progress?: (line: string) => void;
  /** Test hook: called at every pause point; a test makes it wait so it can kill the process there. */
  pause?: (point: PausePoint) => Promise<void>;
  /** The random part of the run id (tests pin it). */
  randomSuffix?: () => string;
  isAlive?: (pid: number) => boolean;
  pid?: number;
}

/** `20261122T010000Z-3fa2c1`: sorts by start time, unique enough for two runs in one second. */
export function makeRunId(now: Date, suffix: string): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}-${suffix}`;
}

function randomHex(): string {
  return Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
}

/** The run journal: one JSON line per finished run, whatever its outcome. */
export function journalPath(layout: DataLayout): string {
  return join(layout.root, 'runs.jsonl');
}

/** UTC timestamp as DuckDB reads it into a TIMESTAMP column (meta.* stores UTC). */
function sqlTimestamp(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

async function rejectedIn(db: Warehouse, runId: string): Promise<[RejectedDelivery[], QuarantineCount[]]> {
  const deliveries = await db.all<RejectedDelivery & Record<string, unknown>>(
    `select gemeente, file_name, member_name, result, reason, records_quarantined from meta.deliveries
     where run_id = $1 and result in ('afgewezen', 'deels_afgewezen')
     order by gemeente, file_name, member_name nulls first`,
    [runId],
  );
  const quarantine = await db.all<QuarantineCount & Record<string, unknown>>(
    `select q.gemeente, q.rule, count(*) as n
     from meta.quarantine q join meta.deliveries d using (delivery_id)
     where d.run_id = $1 group by all order by q.gemeente, n desc, q.rule`,
    [runId],
  );
  return [deliveries, quarantine];
}

/**
 * Runs the nightly job. Resolves to its result whether it succeeded or failed; throws only when it
 * cannot start (another run holds the lock, the data directory cannot be written).
 */
export async function runNightly(options: NightlyOptions, ctx: NightlyContext): Promise<RunResult> {
  const { log, clock, steps } = ctx;
  const layout = dataLayout(options.dataDir);
  const pause = ctx.pause ?? (async () => undefined);
  const started = clock();
  const runId = makeRunId(started, (ctx.randomSuffix ?? randomHex)());
  const lock = acquireLock(layout.lockFile, {
    owner: { pid: ctx.pid ?? process.pid, runId, startedAt: started.toISOString(), command: 'nightly' },
    log,
    ...(ctx.isAlive ? { isAlive: ctx.isAlive } : {}),
  });

  const result: RunResult = {
    runId,
    startedAt: started.toISOString(),
    endedAt: started.toISOString(),
    status: 'failed',
    exitCode: ExitCode.failed,
    peildatum: options.peildatum ?? null,
    steps: [],
    rejectedDeliveries: [],
    quarantine: [],
    published: [],
  };
  let db: Warehouse | undefined;
  let current: Step = 'discover';
  const workDir = join(layout.work, runId);

  const step = async <T extends Record<string, unknown>>(name: Step, fn: () => Promise<T>): Promise<T> => {
    current = name;
    const index = STEPS.indexOf(name) + 1;
    ctx.progress?.(`[${index}/${STEPS.length}] ${name} …`);
    const t0 = clock().getTime();
    const cpu0 = process.cpuUsage();
    log.info('step_start', { runId, step: name });
    const counts = await fn();
    const ms = clock().getTime() - t0;
    // CPU time of the whole process (DuckDB's threads and the ingest's workers included): steadier than
    // wall time on a busy machine, so a slow step can be told apart from a busy one.
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    result.steps.push({ step: name, ms, counts });
    log.info('step_done', { runId, step: name, ms, cpuMs, ...counts });
    ctx.progress?.(`[${index}/${STEPS.length}] ${name} klaar in ${(ms / 1000).toFixed(1)} s`);
    await pause(name);
    return counts;
  };

  try {
    log.info('run_start', {
      runId,
      dataDir: layout.root,
      inbox: options.inbox,
      peildatum: options.peildatum ?? null,
    });
    const leftovers = clearWork(layout);
    if (leftovers.length)
      log.warn('work_cleared', { runs: leftovers, message: 'left by runs that did not finish' });
    mkdirSync(workDir, { recursive: true });

    await step('discover', async () => {
      if (!existsSync(options.inbox)) throw new RijmError(`the inbox does not exist: ${options.inbox}`);
      const found = discoverInbox(options.inbox);
      const gemeenten = new Set(found.filter((f) => f.gemeente).map((f) => f.gemeente?.cbsCode));
      return { files: found.length, gemeenten: gemeenten.size };
    });

    const workWarehouse = join(workDir, publishedNames.warehouse);
    const copied = copyWorkingWarehouse(layout, workWarehouse);
    db = await openWarehouse(workWarehouse);
    await db.run(
      'insert into meta.runs (run_id, started_at, status, peildatum) values ($1, $2::timestamp, $3, $4::date)',
      [runId, sqlTimestamp(started), 'running', options.peildatum ?? null],
    );
    log.debug('work_warehouse', { runId, fromWorking: copied });

    const work = db;
    await step('ingest', async () => {
      const summary = await steps.ingest(work, {
        inbox: options.inbox,
        archiveDir: layout.archive,
        key: options.pseudonymKey,
        runId,
        log,
        clock,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      });
      result.ingest = summary;
      return {
        files: summary.files,
        skippedFiles: summary.skippedFiles ?? 0,
        rejectedFiles: summary.rejectedFiles,
        rowsLoaded: summary.rowsLoaded,
        rowsQuarantined: summary.rowsQuarantined,
      };
    });

    await step('build', async () => {
      const built = await steps.build(work, {
        ...(options.peildatum ? { peildatum: options.peildatum } : {}),
        log,
        clock,
      });
      result.peildatum = built.peildatum;
      return { peildatum: built.peildatum, models: built.models.length, tests: built.tests };
    });

    await step('reports', async () =>
      steps.reports(work, {
        outDir: join(workDir, publishedNames.reports),
        runId,
        log,
        clock,
        ...(options.pdf ? { pdf: options.pdf } : {}),
      }),
    );

    await step('exports', async () => {
      const exported = await exportMarts(work, {
        outDir: join(workDir, publishedNames.exports),
        log,
      });
      const research = await buildResearchFile(work, {
        path: join(workDir, publishedNames.research),
        dictionaryPath: join(workDir, publishedNames.dictionary),
        key: options.researchKey,
        log,
        clock,
        runId,
        peildatum: result.peildatum,
      });
      return {
        marts: exported.tables.length,
        csvFiles: exported.csvFiles,
        researchTables: research.tables.length,
        researchClients: research.clients,
      };
    });

    [result.rejectedDeliveries, result.quarantine] = await rejectedIn(work, runId);
    const rejected = (result.ingest?.rejectedFiles ?? 0) > 0 || (result.ingest?.rowsQuarantined ?? 0) > 0;
    result.status = rejected ? 'rejected' : 'ok';
    result.exitCode = rejected ? ExitCode.rejected : ExitCode.ok;

    await step('publish', async () => {
      const ended = clock();
      result.endedAt = ended.toISOString();
      await work.run(
        'update meta.runs set ended_at = $2::timestamp, status = $3, peildatum = $4::date, summary = $5::json where run_id = $1',
        [runId, sqlTimestamp(ended), result.status, result.peildatum, JSON.stringify(runRecord(result))],
      );
      await work.checkpoint();
      work.close();
      db = undefined;
      const reports = join(workDir, publishedNames.reports);
      const staged = {
        runId,
        warehouse: workWarehouse,
        research: join(workDir, publishedNames.research),
        dictionary: join(workDir, publishedNames.dictionary),
        reports: existsSync(reports) ? reports : undefined,
        exports: join(workDir, publishedNames.exports),
      };
      await publish(layout, staged, pause);
      result.published = Object.values(publishedNames).map((name) => join(layout.published, name));
      return { published: layout.published };
    });
    rmSync(workDir, { recursive: true, force: true });
  } catch (error) {
    db?.close();
    result.status = 'failed';
    result.exitCode = ExitCode.failed;
    result.failedStep = current;
    result.error = (error as Error).message;
    result.endedAt = clock().toISOString();
    result.published = [];
    log.error('step_failed', { runId, step: current, error: result.error });
    if ((error as Error).stack) log.debug('step_failed_stack', { runId, stack: (error as Error).stack });
  } finally {
    try {
      appendFileSync(journalPath(layout), `${JSON.stringify(journalLine(result))}\n`);
    } finally {
      lock.release();
    }
  }
  log.info('run_end', { runId, status: result.status, exitCode: result.exitCode });
  return result;
}

/** What goes into meta.runs.summary: counts per step and per gemeente, and what was rejected. */
export function runRecord(result: RunResult): Record<string, unknown> {
  return {
    steps: result.steps,
    perGemeente: result.ingest?.perGemeente ?? {},
    rejectedDeliveries: result.rejectedDeliveries,
    quarantine: result.quarantine,
  };
}

export interface JournalLine {
  run_id: string;
  started_at: string;
  ended_at: string;
  status: RunStatus;
  peildatum: string | null;
  failed_step: Step | null;
  error: string | null;
  files: number;
  rejected_files: number;
  rows_loaded: number;
  rows_quarantined: number;
}

function journalLine(result: RunResult): JournalLine {
  return {
    run_id: result.runId,
    started_at: result.startedAt,
    ended_at: result.endedAt,
    status: result.status,
    peildatum: result.peildatum,
    failed_step: result.failedStep ?? null,
    error: result.error ?? null,
    files: result.ingest?.files ?? 0,
    rejected_files: result.ingest?.rejectedFiles ?? 0,
    rows_loaded: result.ingest?.rowsLoaded ?? 0,
    rows_quarantined: result.ingest?.rowsQuarantined ?? 0,
  };
}

/** The end-of-run summary for a person: what happened, and what to do about it. */
export function formatSummary(result: RunResult): string {
  const seconds = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000;
  const verdict: Record<RunStatus, string> = {
    ok: 'completed, everything loaded',
    rejected: 'completed, but deliveries or rows were rejected',
    failed: `FAILED at step ${result.failedStep ?? '?'}`,
  };
  const lines = [
    `RIJM nightly run ${result.runId}: ${verdict[result.status]} (exit code ${result.exitCode})`,
    `peildatum ${result.peildatum ?? '-'}, ${seconds.toFixed(1)} s`,
    '',
  ];
  for (const s of result.steps) {
    const counts = Object.entries(s.counts)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(`  ${s.step.padEnd(9)} ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${counts}`);
  }
  const per = Object.entries(result.ingest?.perGemeente ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (per.length) {
    lines.push('', '  gemeente                 files  rejected  rows loaded  quarantined');
    for (const [code, c] of per) {
      const name = `${code} ${gemeenteByCbsCode(code)?.naam ?? ''}`.padEnd(24);
      lines.push(
        `  ${name} ${String(c.files).padStart(5)}  ${String(c.rejectedFiles).padStart(8)}  ${String(c.rowsLoaded).padStart(11)}  ${String(c.rowsQuarantined).padStart(11)}`,
      );
    }
  }
  if (result.status === 'failed') {
    lines.push(
      '',
      `Error: ${result.error}`,
      'Nothing was published: readers keep the previous publication, the working warehouse is unchanged.',
      'Fix the cause (see the log, or run again with --debug) and start the run again; it picks up where',
      'the last good run left off.',
    );
  } else {
    if (result.rejectedDeliveries.length || result.quarantine.length) {
      lines.push('', 'To act on (tell the gemeente; details in its report, data-quality section):');
      for (const d of result.rejectedDeliveries) {
        const what =
          d.result === 'afgewezen' ? 'rejected' : `partly rejected (${d.records_quarantined} rows)`;
        const file = d.member_name ? `${d.file_name} › ${d.member_name}` : d.file_name;
        lines.push(`  ${d.gemeente} ${file}: ${what}${d.reason ? `: ${d.reason}` : ''}`);
      }
      for (const q of result.quarantine)
        lines.push(`  ${q.gemeente}: ${q.n} row(s) in quarantine, rule ${q.rule}`);
    }
    lines.push('', `Published: ${result.published.join(', ')}`);
  }
  return lines.join('\n');
}
