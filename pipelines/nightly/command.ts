/**
 * `rijm nightly`: the whole nightly job, once. See run.ts for the steps and publish.ts for what a
 * reader sees while it runs.
 *
 * Test hook: with `RIJM_TEST_PAUSE_AFTER=<point>` in the environment (a step name, or `staged` /
 * `working` inside the publication) the run logs `test_paused` when it reaches that point and then waits
 * for ever, so a test can kill it there. Nothing else reads the variable; never set it in production.
 */
import { workerCount } from '../ingest/ijw/pool.js';
import type { Command } from '../lib/command.js';
import { memoryLimitFromEnv } from '../lib/db.js';
import { UsageError } from '../lib/errors.js';
import { loadKey } from '../lib/pseudonym.js';
import { formatSummary, PAUSE_POINTS, type PausePoint, runNightly } from './run.js';
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
  --demo                  allow the public demo keys when RIJM_PSEUDONYM_KEY / RIJM_RESEARCH_KEY are not
                          set (never for real deliveries)

Exit codes: 0 everything loaded, 3 completed but deliveries or rows were rejected, 1 the run failed
(nothing published), 2 wrong usage.`,
  options: {
    peildatum: { type: 'string' },
    pdf: { type: 'string', default: 'auto' },
    demo: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const { options, log } = ctx;
    const peildatum =
      typeof options.peildatum === 'string' ? parseDateOption('peildatum', options.peildatum) : undefined;
    const pdf = String(options.pdf);
    if (pdf !== 'auto' && pdf !== 'yes' && pdf !== 'no') {
      throw new UsageError(`--pdf: expected auto, yes or no, got ${pdf}`);
    }
    if (ctx.positionals.length) throw new UsageError(`unexpected argument: ${ctx.positionals[0]}`);
    const demo = options.demo === true;
    // Settings from the environment are checked before the run starts.
    workerCount(ctx.env);
    memoryLimitFromEnv(ctx.env);
    const pause = pauseHook(ctx.env, log);
    const pseudonymKey = loadKey('pseudonym', { env: ctx.env, demo, log });
    const researchKey = loadKey('research', { env: ctx.env, demo, log });
    const steps = nightlySteps.override ?? (await realSteps());
    const result = await runNightly(
      { inbox: ctx.inbox, dataDir: ctx.dataDir, peildatum, pdf, pseudonymKey, researchKey },
      {
        steps,
        log,
        clock: ctx.clock,
        ...(ctx.out.isTTY ? { progress: (line: string) => ctx.out.write(`${line}\n`) } : {}),
        ...(pause ? { pause } : {}),
      },
    );
    ctx.out.write(`${formatSummary(result)}\n`);
    return result.exitCode;
  },
};
