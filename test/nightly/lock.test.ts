import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { acquireLock } from '../../pipelines/nightly/lock.js';

const owner = (pid: number, runId: string) => ({
  pid,
  runId,
  startedAt: '2026-11-22T01:00:00.000Z',
  command: 'nightly',
});

describe('acquireLock', () => {
  it('creates the lock with the owner, refuses a second run naming the pid, and releases', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rijm-lock-')), 'rijm.lock');
    const log = memoryLogger();
    const lock = acquireLock(path, { owner: owner(4242, 'run-a'), log, isAlive: () => true });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(owner(4242, 'run-a'));
    expect(() => acquireLock(path, { owner: owner(5151, 'run-b'), log, isAlive: () => true })).toThrow(
      `another run holds the lock ${path}: pid 4242, run run-a, started 2026-11-22T01:00:00.000Z`,
    );
    lock.release();
    expect(existsSync(path)).toBe(false);
    lock.release();
  });

  it('takes over a lock whose pid is not alive, with a warning', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rijm-lock-')), 'rijm.lock');
    writeFileSync(path, JSON.stringify(owner(999_999, 'killed')));
    const log = memoryLogger();
    const lock = acquireLock(path, { owner: owner(5151, 'run-b'), log, isAlive: (pid) => pid !== 999_999 });
    expect(JSON.parse(readFileSync(path, 'utf8')).runId).toBe('run-b');
    expect(log.records).toMatchObject([
      { level: 'warn', event: 'stale_lock_taken_over', pid: 999_999, runId: 'killed' },
    ]);
    lock.release();
  });

  it('refuses a second run in the same process, but takes over a lock an earlier process with our pid left', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rijm-lock-')), 'rijm.lock');
    const log = memoryLogger();
    const lock = acquireLock(path, { owner: owner(process.pid, 'run-a'), log });
    expect(() => acquireLock(path, { owner: owner(process.pid, 'run-b'), log })).toThrow(
      `pid ${process.pid}`,
    );
    lock.release();
    writeFileSync(path, JSON.stringify(owner(process.pid, 'before-restart')));
    const again = acquireLock(path, { owner: owner(process.pid, 'run-c'), log });
    expect(log.records.map((r) => r.event)).toEqual(['stale_lock_taken_over']);
    again.release();
  });

  it('treats a lock file that is not a lock as stale', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rijm-lock-')), 'rijm.lock');
    writeFileSync(path, 'half a li');
    const lock = acquireLock(path, { owner: owner(5151, 'run-b'), log: memoryLogger(), isAlive: () => true });
    expect(JSON.parse(readFileSync(path, 'utf8')).runId).toBe('run-b');
    lock.release();
  });
});
