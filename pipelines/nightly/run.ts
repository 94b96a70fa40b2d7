/**
 * One nightly run: discover → ingest → build + data tests → reports → exports (and the research file)
 * → publish, on a copy of the working warehouse, under the data directory's lock. See publish.ts for
 * the publication rules and docs/nachtelijke-run.md for the operator's view.
 *
 * Bad data does not fail a run: it is counted and makes the status `rejected` (exit code 3). A step that
 * throws fails the run (exit code 1): nothing is published, the working warehouse stays as it was, and
 * the outcome is appended to the run journal (`runs.jsonl`, see journal.ts), since the warehouse it would
 * be recorded in is discarded. The journal also has the run's start and each step it began, so a run that
 * is killed is reported by the next one as interrupted, with its step.
 */
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exportMarts } from '../export/index.js';
import { buildResearchFile } from '../export/research.js';
import { discoverInbox } from '../ingest/discover.js';
import type { Warehouse } from '../lib/db.js';
import { ExitCode, RijmError } from '../lib/errors.js';
import { gemeenteByCbsCode } from '../lib/gemeenten.js';
import { type Logger, withFields } from '../lib/log.js';
import { dataLayout } from '../lib/paths.js';
import { defaultFileMode, makePrivateFile, preparePrivate } from '../lib/private.js';
import type { SecretKey } from '../lib/pseudonym.js';
import { describeCounts } from '../lib/terminal.js';
import { localDateTime } from '../lib/time.js';
import { release } from '../lib/version.js';
import { openWarehouse } from '../lib/warehouse.js';
import {
  describeOverdue,
  type GemeenteDeliveries,
  readDeliveries,
  rhythmFromProfiles,
} from './deliveries.js';
import { appendJournal, type JournalLine, journalPath, unfinishedRuns } from './journal.js';
import { acquireLock, LockBusyError } from './lock.js';
import { clearWork, copyWorkingWarehouse, type PublishPoint, publish, publishedNames } from './publish.js';
import type { IngestResult, NightlySteps } from './steps.js';

export { journalPath };

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
  /** Gemeenten that delivered nothing for longer than their rhythm (known once the exports are done). */
  overdue: GemeenteDeliveries[];
  /** Earlier runs that started and never ended, found by this one. */
  interrupted: { runId: string; step: string | null; startedAt: string }[];
}

export interface NightlyOptions {
  inbox: string;
  dataDir: string;
  peildatum?: string;
  pdf?: 'auto' | 'yes' | 'no';
  pseudonymKey: SecretKey;
  researchKey: SecretKey;
  concurrency?: number;
  /** The browser for the PDFs (default: the reports' own, see reports/pdf.ts). */
  chromiumPath?: string;
  /** Delivery rhythm in days per gemeente (default: from the profiles). */
  rhythm?: (gemeente: string) => number;
}

export interface NightlyContext {
  steps: NightlySteps;
  log: Logger;
  clock: () => Date;
  /** Test hook: called at every pause point; a test makes it wait so it can kill the process there. */
  pause?: (point: PausePoint) => Promise<void>;
  /** The run id, when the caller made it (to log with it before the run starts). */
  runId?: string;
  /** The random part of the run id (tests pin it). */
  randomSuffix?: () => string;
  pid?: number;
}

/** `20261122T010000Z-3fa2c1`: sorts by start time, unique enough for two runs in one second. */
export function makeRunId(now: Date, suffix: string): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}-${suffix}`;
}

export function randomHex(): string {
  return Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
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
 * cannot start (another run holds the lock: a LockBusyError, exit code 4; a private folder is open to
 * others; the data directory cannot be written). A run that cannot start is in the journal too.
 */
export async function runNightly(options: NightlyOptions, ctx: NightlyContext): Promise<RunResult> {
  const { clock, steps } = ctx;
  const layout = dataLayout(options.dataDir);
  const pause = ctx.pause ?? (async () => undefined);
  const started = clock();
  const runId = ctx.runId ?? makeRunId(started, (ctx.randomSuffix ?? randomHex)());
  // Every line of the run carries its id, so it can be joined to the run in a log store.
  const log = withFields(ctx.log, { runId });
  const pid = ctx.pid ?? process.pid;

  const refused = (error: unknown): never => {
    const busy = error instanceof LockBusyError;
    try {
      appendJournal(layout, {
        run_id: runId,
        event: 'end',
        command: 'nightly',
        pid,
        release: release(),
        started_at: started.toISOString(),
        ended_at: clock().toISOString(),
        status: busy ? 'busy' : 'failed',
        exit_code: busy ? ExitCode.busy : ExitCode.failed,
        failed_step: busy ? null : 'start',
        error: (error as Error).message,
      });
    } catch {
      // A data directory that cannot be written cannot hold the journal either; the error says why.
    }
    if (busy) log.warn('run_refused_busy', { error: (error as Error).message });
    else log.error('run_refused', { error: (error as Error).message });
    throw error;
  };
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    mkdirSync(layout.root, { recursive: true });
    preparePrivate(layout);
    lock = await acquireLock(layout.lockFile, {
      owner: { pid, runId, startedAt: started.toISOString(), command: 'nightly' },
      log,
    });
  } catch (error) {
    return refused(error);
  }

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
    overdue: [],
    interrupted: [],
  };
  let db: Warehouse | undefined;
  let current: Step = 'discover';
  const workDir = join(layout.work, runId);

  const step = async <T extends Record<string, unknown>>(name: Step, fn: () => Promise<T>): Promise<T> => {
    current = name;
    const index = STEPS.indexOf(name) + 1;
    appendJournal(layout, { run_id: runId, event: 'step', step: name, at: clock().toISOString() });
    const t0 = clock().getTime();
    const cpu0 = process.cpuUsage();
    log.info('step_start', { step: name, index, of: STEPS.length });
    const counts = await fn();
    const ms = clock().getTime() - t0;
    // CPU time of the whole process (DuckDB's threads and the ingest's workers included): steadier than
    // wall time on a busy machine, so a slow step can be told apart from a busy one.
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    result.steps.push({ step: name, ms, counts });
    log.info('step_done', { step: name, ms, cpuMs, ...counts });
    await pause(name);
    return counts;
  };

  try {
    appendJournal(
      layout,
      {
        run_id: runId,
        event: 'start',
        command: 'nightly',
        pid,
        release: release(),
        started_at: started.toISOString(),
        step: 'discover',
      },
      true,
    );
    // This run holds the lock, so a run that started and never ended is not running any more.
    for (const left of unfinishedRuns(layout, runId)) {
      result.interrupted.push({ runId: left.run_id, step: left.step, startedAt: left.started_at });
      log.warn('run_interrupted', {
        interruptedRun: left.run_id,
        step: left.step,
        startedAt: left.started_at,
        message: `run ${left.run_id} did not finish (killed, crashed or the machine stopped) during step ${left.step ?? 'start'}`,
      });
      appendJournal(layout, {
        run_id: left.run_id,
        event: 'end',
        status: 'interrupted',
        ended_at: null,
        failed_step: left.step,
        error: `did not finish; noticed by run ${runId}`,
      });
    }
    log.info('run_start', {
      release: release(),
      dataDir: layout.root,
      inbox: options.inbox,
      peildatum: options.peildatum ?? null,
    });
    const leftovers = clearWork(layout);
    if (leftovers.length)
      log.warn('work_cleared', { runs: leftovers, message: 'left by runs that did not finish' });
    mkdirSync(workDir, { recursive: true });
    for (const file of [layout.warehouse, `${layout.warehouse}.wal`])
      if (existsSync(file)) makePrivateFile(file);

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
      'insert into meta.runs (run_id, started_at, status, peildatum, release) values ($1, $2::timestamp, $3, $4::date, $5)',
      [runId, sqlTimestamp(started), 'running', options.peildatum ?? null, release()],
    );
    log.debug('work_warehouse', { fromWorking: copied });

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
        ...(options.chromiumPath ? { chromiumPath: options.chromiumPath } : {}),
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
    result.overdue = (await readDeliveries(work, clock(), options.rhythm ?? rhythmFromProfiles())).filter(
      (d) => d.overdue,
    );
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
      // The working warehouse is private (0600), but the copy published from it takes the mode the
      // publication gives its files, not the working one's: hand it over with the default mode.
      chmodSync(workWarehouse, defaultFileMode());
      await publish(layout, staged, pause);
      makePrivateFile(layout.warehouse);
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
    log.error('step_failed', { step: current, error: result.error });
    if ((error as Error).stack) log.debug('step_failed_stack', { stack: (error as Error).stack });
  } finally {
    try {
      appendJournal(layout, journalLine(result));
    } finally {
      lock.release();
    }
  }
  log.info('run_end', { status: result.status, exitCode: result.exitCode });
  return result;
}

/** What goes into meta.runs.summary: counts per step and per gemeente, and what was rejected. */
export function runRecord(result: RunResult): Record<string, unknown> {
  return {
    steps: result.steps,
    perGemeente: result.ingest?.perGemeente ?? {},
    rejectedDeliveries: result.rejectedDeliveries,
    quarantine: result.quarantine,
    overdue: result.overdue.map((d) => d.gemeente),
  };
}

function journalLine(result: RunResult): JournalLine {
  return {
    run_id: result.runId,
    event: 'end',
    exit_code: result.exitCode,
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
    overdue: result.overdue.map((d) => d.gemeente),
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
    `started ${localDateTime(new Date(result.startedAt))}, took ${seconds.toFixed(1)} s, peildatum ${result.peildatum ?? '-'}`,
    '',
  ];
  for (const r of result.interrupted) {
    lines.push(
      `Run ${r.runId} did not finish (interrupted during step ${r.step ?? 'start'}); this run took over.`,
    );
  }
  if (result.interrupted.length) lines.push('');
  for (const s of result.steps) {
    lines.push(
      `  ${s.step.padEnd(9)} ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${describeCounts(s.counts)}`,
    );
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
      lines.push(
        '',
        'To act on (pass on to the gemeente; the reasons are quoted in Dutch, as its report gives them):',
      );
      for (const d of result.rejectedDeliveries) {
        const what =
          d.result === 'afgewezen' ? 'rejected' : `partly rejected (${d.records_quarantined} rows)`;
        const file = d.member_name ? `${d.file_name} › ${d.member_name}` : d.file_name;
        lines.push(`  ${d.gemeente} ${file}: ${what}${d.reason ? `: “${d.reason}”` : ''}`);
      }
      for (const q of result.quarantine)
        lines.push(`  ${q.gemeente}: ${q.n} row(s) in quarantine, rule ${q.rule}`);
    }
    lines.push('', `Published: ${result.published.join(', ')}`);
  }
  if (result.overdue.length) {
    lines.push('', 'Overdue (nothing delivered for longer than their rhythm; ask them to deliver):');
    for (const d of result.overdue) lines.push(`  ${describeOverdue(d)}`);
  }
  return lines.join('\n');
}
