import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { checkSchedule, runSchedule } from '../../pipelines/nightly/schedule.js';

function deferred() {
  let resolve!: (code: number) => void;
  const promise = new Promise<number>((r) => (resolve = r));
  return { promise, resolve };
}

describe('rijm schedule', () => {
  it('rejects a bad cron expression or time zone as wrong usage', () => {
    expect(() => checkSchedule('0 25 * * *', 'Europe/Amsterdam')).toThrow(/--cron or --tz is not valid/);
    expect(() => checkSchedule('0 2 * * *', 'Europe/Nowhere')).toThrow(/--cron or --tz is not valid/);
    expect(checkSchedule('0 2 * * *', 'Europe/Amsterdam')).toBeInstanceOf(Date);
  });

  it('never overlaps runs, and on SIGTERM lets the busy run finish before it stops', async () => {
    const signals = new EventEmitter();
    const log = memoryLogger();
    const run = deferred();
    let runs = 0;
    const forced: number[] = [];
    let job: { trigger(): Promise<void> } | undefined;
    const stopped = runSchedule({
      cron: '0 2 * * *',
      timezone: 'Europe/Amsterdam',
      log,
      signals: signals as never,
      forceExit: (code) => forced.push(code),
      runOnce: () => {
        runs++;
        return run.promise;
      },
      onScheduled: (j) => {
        job = j;
      },
    });
    const first = job!.trigger();
    await job!.trigger();
    expect(runs).toBe(1);
    expect(log.records.map((r) => r.event)).toContain('run_skipped');
    signals.emit('SIGTERM');
    expect(log.records.at(-1)).toMatchObject({ event: 'schedule_stopping', waitingForRun: true });
    run.resolve(3);
    await first;
    expect(await stopped).toBe(0);
    expect(log.records.map((r) => r.event)).toContain('scheduled_run_end');
    expect(log.records.at(-1)?.event).toBe('schedule_stopped');
    expect(forced).toEqual([]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('ends at once on a second signal while a run is busy', async () => {
    const signals = new EventEmitter();
    const forced: number[] = [];
    let job: { trigger(): Promise<void> } | undefined;
    void runSchedule({
      cron: '0 2 * * *',
      timezone: 'Europe/Amsterdam',
      log: memoryLogger(),
      signals: signals as never,
      forceExit: (code) => forced.push(code),
      runOnce: () => new Promise<number>(() => undefined),
      onScheduled: (j) => {
        job = j;
      },
    });
    void job!.trigger();
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(forced).toEqual([130]);
  });
});
