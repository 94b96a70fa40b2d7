/**
 * `rijm schedule`: runs the nightly job on a cron expression in the foreground (for a container or a
 * service manager that keeps one process up). Runs never overlap: a tick that comes while a run is busy
 * is skipped and logged. SIGINT/SIGTERM stop the schedule; a run in progress is allowed to finish (a
 * second signal ends the process at once, which is safe: a killed run publishes nothing).
 */
import { Cron } from 'croner';
import type { Command } from '../lib/command.js';
import { ExitCode, RijmError, UsageError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { assertDistinctKeys, loadKey } from '../lib/pseudonym.js';
import { command as nightly } from './command.js';

export const DEFAULT_CRON = '0 2 * * *';
export const DEFAULT_TZ = 'Europe/Amsterdam';

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface ScheduleOptions {
  cron: string;
  timezone: string;
  /** One nightly run; resolves to its exit code. */
  runOnce: () => Promise<number>;
  log: Logger;
  signals: SignalSource;
  /** Called on a second stop signal while a run is busy. */
  forceExit: (code: number) => void;
  /** Called once the job is scheduled (tests use it to trigger a run at once). */
  onScheduled?: (job: Cron) => void;
}

/** Validates a cron expression and time zone; throws a UsageError naming the bad one. */
export function checkSchedule(cron: string, timezone: string): Date | null {
  try {
    const job = new Cron(cron, { timezone, paused: true });
    // An unknown time zone only shows when a date is computed in it.
    const next = job.nextRun();
    job.stop();
    return next;
  } catch (error) {
    throw new UsageError(`--cron or --tz is not valid: ${(error as Error).message}`);
  }
}

/**
 * Whether the schedule had a tick in the hour up to `now`. A crontab line that runs every hour and starts
 * the job only when this says so runs it at the schedule's time in the schedule's zone: Debian's cron
 * ignores CRON_TZ and reads its times in the server's zone. Across daylight saving time the tick is
 * croner's: on the night 02:00 does not exist it is 03:00, on the night it comes twice the first.
 */
export function isDue(cron: string, timezone: string, now: Date, windowMs = 3_600_000): boolean {
  const job = new Cron(cron, { timezone, paused: true });
  try {
    const next = job.nextRun(new Date(now.getTime() - windowMs));
    return next !== null && next.getTime() <= now.getTime();
  } finally {
    job.stop();
  }
}

/** Runs the schedule until a stop signal; resolves to the exit code. */
export async function runSchedule(options: ScheduleOptions): Promise<number> {
  const { log } = options;
  checkSchedule(options.cron, options.timezone);
  let running: Promise<void> | undefined;
  let stopping = false;

  return await new Promise<number>((resolveStopped) => {
    const job = new Cron(
      options.cron,
      {
        timezone: options.timezone,
        protect: (self) =>
          log.warn('run_skipped', {
            reason: 'the previous run is still busy',
            since: self.currentRun()?.toISOString(),
          }),
      },
      async (self) => {
        if (stopping) return;
        // Croner's protect covers ticks; this covers every other way a run is started while one is busy.
        if (running) {
          log.warn('run_skipped', {
            reason: 'the previous run is still busy',
            since: self.previousRun()?.toISOString() ?? null,
          });
          return;
        }
        log.info('scheduled_run_start', {});
        running = options
          .runOnce()
          .then(
            (code) => log.info('scheduled_run_end', { exitCode: code }),
            (error) => log.error('scheduled_run_error', { error: (error as Error).message }),
          )
          .finally(() => {
            running = undefined;
            const next = job.nextRun();
            if (!stopping) log.info('next_run', { at: next?.toISOString() ?? null });
          });
        await running;
      },
    );
    const stop = () => {
      if (stopping) {
        log.warn('schedule_forced_stop', {
          message: 'second signal: ending now; the run in progress publishes nothing',
        });
        options.forceExit(130);
        return;
      }
      stopping = true;
      job.stop();
      log.info('schedule_stopping', { waitingForRun: running !== undefined });
      void (running ?? Promise.resolve()).then(() => {
        options.signals.off('SIGINT', stop);
        options.signals.off('SIGTERM', stop);
        log.info('schedule_stopped', {});
        resolveStopped(ExitCode.ok);
      });
    };
    options.signals.on('SIGINT', stop);
    options.signals.on('SIGTERM', stop);
    log.info('schedule_started', {
      cron: options.cron,
      timezone: options.timezone,
      next: job.nextRun()?.toISOString() ?? null,
    });
    options.onScheduled?.(job);
  });
}

export const command: Command = {
  name: 'schedule',
  summary: 'run the nightly job on a schedule, in the foreground, one run at a time',
  help: `Keeps running and starts \`rijm nightly\` on the cron expression (default "${DEFAULT_CRON}", 02:00)
in the time zone (default ${DEFAULT_TZ}; daylight saving time is followed). A tick that comes while
a run is still busy is skipped. Stop with Ctrl-C or SIGTERM: a run in progress finishes first.
Every run logs its steps and summary as \`rijm nightly\` does.

With --due it runs nothing: it exits 0 when the schedule had a tick in the past hour and 1 when not, so
that an hourly crontab line can start \`rijm nightly\` at 02:00 Dutch time on a server whose cron
ignores time zones (docs/service/rijm.cron).

Options:
  --cron EXPR      cron expression: minute hour day-of-month month day-of-week (default "${DEFAULT_CRON}")
  --tz ZONE        IANA time zone (default ${DEFAULT_TZ})
  --due            exit 0 when a tick fell in the past hour, 1 when not; start nothing
  --pdf auto|yes|no, --chromium PATH, --notify-command CMD, --demo
                   passed to every run (see rijm help nightly)`,
  options: {
    cron: { type: 'string', default: DEFAULT_CRON },
    tz: { type: 'string', default: DEFAULT_TZ },
    due: { type: 'boolean', default: false },
    pdf: { type: 'string', default: 'auto' },
    chromium: { type: 'string' },
    'notify-command': { type: 'string' },
    demo: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const cron = String(ctx.options.cron);
    const timezone = String(ctx.options.tz);
    checkSchedule(cron, timezone);
    if (ctx.options.due === true) return isDue(cron, timezone, ctx.clock()) ? ExitCode.ok : ExitCode.failed;
    // Fail now, not at 02:00, when the keys are missing.
    assertDistinctKeys(
      loadKey('pseudonym', { env: ctx.env, demo: ctx.options.demo === true, log: ctx.log }),
      loadKey('research', { env: ctx.env, demo: ctx.options.demo === true }),
    );
    const passed = ['pdf', 'chromium', 'notify-command', 'demo'] as const;
    const runOptions = Object.fromEntries(
      passed.filter((k) => ctx.options[k] !== undefined).map((k) => [k, ctx.options[k]]),
    );
    return await runSchedule({
      cron,
      timezone,
      log: ctx.log,
      signals: process,
      forceExit: (code) => process.exit(code),
      runOnce: async () => {
        try {
          return await nightly.run({ ...ctx, options: runOptions });
        } catch (error) {
          if (!(error instanceof RijmError)) throw error;
          ctx.log.error('run_refused', { error: error.message });
          return error.exitCode;
        }
      },
    });
  },
};
