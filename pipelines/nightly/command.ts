/**
 * `rijm nightly`: the whole nightly job, once. See run.ts for the steps and publish.ts for what a
 * reader sees while it runs.
 *
 * Test hook: with `RIJM_TEST_PAUSE_AFTER=<point>` in the environment (a step name, or `staged` /
 * `working` inside the publication) the run logs `test_paused` when it reaches that point and then waits
 * for ever, so a test can kill it there. Nothing else reads the variable; never set it in production.
 */
import { chromiumOption } from '../../reports/pdf.js';
import { workerCount } from '../ingest/ijw/pool.js';
import type { Command } from '../lib/command.js';
import { memoryLimitFromEnv } from '../lib/db.js';
import { ExitCode, RijmError, UsageError } from '../lib/errors.js';
import { withFields } from '../lib/log.js';
import { assertDistinctKeys, loadKey } from '../lib/pseudonym.js';
import { LockBusyError } from './lock.js';
import { notify, notifyCommand } from './notify.js';
import { formatSummary, makeRunId, PAUSE_POINTS, type PausePoint, randomHex, runNightly } from './run.js';
import { type NightlySteps, realSteps } from './steps.js';

/** Validates `YYYY-MM-DD` as a calendar date. */
export function parseDateOption(name: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (date.toISOString().slice(0, 10) === value) return value;
  }
  throw new UsageError(`--${name}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

function pauseHook(env: NodeJS.ProcessEnv, log: { warn(e: string, f?: Record<string, unknown>): void }) {
  const at = env.RIJM_TEST_PAUSE_AFTER;
  if (!at) return undefined;
  if (!PAUSE_POINTS.includes(at as PausePoint)) {
    throw new UsageError(`RIJM_TEST_PAUSE_AFTER: expected one of ${PAUSE_POINTS.join(', ')}, got ${at}`);
  }
  return async (point: PausePoint) => {
    if (point !== at) return;
    log.warn('test_paused', { point, pid: process.pid });
    // A pending promise alone does not keep Node alive; the interval does, until the test kills us.
    await new Promise<void>(() => setInterval(() => undefined, 1 << 30));
  };
}

/** The steps the command runs; tests replace them through `nightlySteps.override`. */
export const nightlySteps: { override?: NightlySteps } = {};

export const command: Command = {
  name: 'nightly',
  summary: 'the nightly job: ingest, build, reports, exports, and publish when everything passed',
  help: `Runs one nightly job on the inbox and the data directory:
  discover → ingest → build + data tests → reports → exports → publish.
The run works on a copy of the warehouse; only when every step and data test passed is the copy
published (<data-dir>/published/rijm.duckdb, rijm-onderzoek.duckdb, reports/, exports/). A failed or
killed run leaves the last publication and the working warehouse as they were. One run at a time.

Options:
  --peildatum YYYY-MM-DD  the date up to which the data is complete (default: computed from the data);
                          set it to reproduce a run exactly
  --pdf auto|yes|no       PDF versions of the reports (default auto: when a browser is available)
  --chromium PATH         the browser for the PDFs (default RIJM_CHROMIUM, else /usr/bin/chromium)
  --notify-command CMD    run CMD (through /bin/sh) with the summary on its input when the run fails,
                          rejects deliveries or rows, or cannot start (default RIJM_NOTIFY_COMMAND);
                          RIJM_RUN_ID, RIJM_RUN_STATUS and RIJM_EXIT_CODE are in its environment
  --demo                  allow the public demo keys when RIJM_PSEUDONYM_KEY / RIJM_RESEARCH_KEY are not
                          set (never for real deliveries)

Keys: RIJM_PSEUDONYM_KEY (or RIJM_PSEUDONYM_KEY_FILE) and RIJM_RESEARCH_KEY (or RIJM_RESEARCH_KEY_FILE),
two different secrets of at least 32 characters.

Exit codes: 0 everything loaded, 3 completed but deliveries or rows were rejected, 1 the run failed
(nothing published) or could not start, 4 another run is in progress (this one did not start),
2 wrong usage.`,
  options: {
    peildatum: { type: 'string' },
    pdf: { type: 'string', default: 'auto' },
    chromium: { type: 'string' },
    'notify-command': { type: 'string' },
    demo: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const { options } = ctx;
    // The run's id is on every line it logs, also those before it starts (a missing key, a demo key).
    const runId = makeRunId(ctx.clock(), randomHex());
    const log = withFields(ctx.log, { runId });
    const peildatum =
      typeof options.peildatum === 'string' ? parseDateOption('peildatum', options.peildatum) : undefined;
    const pdf = String(options.pdf);
    if (pdf !== 'auto' && pdf !== 'yes' && pdf !== 'no') {
      throw new UsageError(`--pdf: expected auto, yes or no, got ${pdf}`);
    }
    if (ctx.positionals.length) throw new UsageError(`unexpected argument: ${ctx.positionals[0]}`);
    const demo = options.demo === true;
    const notifyWith = notifyCommand(options['notify-command'], ctx.env);
    const sendNotice = async (n: { runId: string; status: string; exitCode: number; text: string }) => {
      if (notifyWith) await notify(notifyWith, { ...n, dataDir: ctx.dataDir }, { env: ctx.env, log });
    };
    let result: Awaited<ReturnType<typeof runNightly>>;
    try {
      // Settings from the environment are checked before the run starts.
      workerCount(ctx.env);
      memoryLimitFromEnv(ctx.env);
      const chromiumPath = pdf === 'no' ? undefined : chromiumOption(options.chromium, ctx.env);
      const pause = pauseHook(ctx.env, log);
      const pseudonymKey = loadKey('pseudonym', { env: ctx.env, demo, log });
      const researchKey = loadKey('research', { env: ctx.env, demo, log });
      assertDistinctKeys(pseudonymKey, researchKey);
      const steps = nightlySteps.override ?? (await realSteps());
      result = await runNightly(
        {
          inbox: ctx.inbox,
          dataDir: ctx.dataDir,
          peildatum,
          pdf,
          pseudonymKey,
          researchKey,
          ...(chromiumPath ? { chromiumPath } : {}),
        },
        { steps, log: ctx.log, clock: ctx.clock, runId, ...(pause ? { pause } : {}) },
      );
    } catch (error) {
      // Another run being busy is no failure; anything else that keeps a run from starting is.
      if (error instanceof RijmError && !(error instanceof LockBusyError) && !(error instanceof UsageError)) {
        await sendNotice({
          runId,
          status: 'failed',
          exitCode: error.exitCode,
          text: `RIJM nightly run could not start (exit code ${error.exitCode}):\n${error.message}`,
        });
      }
      throw error;
    }
    const summary = formatSummary(result);
    ctx.out.write(`${summary}\n`);
    if (result.exitCode === ExitCode.failed || result.exitCode === ExitCode.rejected) {
      await sendNotice({
        runId: result.runId,
        status: result.status,
        exitCode: result.exitCode,
        text: summary,
      });
    }
    return result.exitCode;
  },
};
