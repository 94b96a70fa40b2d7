/**
 * The lock is the kernel's: held by the running process, dropped when it ends however it ends. These tests
 * hold it in real child processes (the compiled project, see test/helpers/compile.ts), kill them, and
 * race them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../pipelines/lib/errors.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { acquireLock, LockBusyError, lockState } from '../../pipelines/nightly/lock.js';
import { compiledDir, compileProject } from '../helpers/compile.js';

const owner = (pid: number, runId: string) => ({
  pid,
  runId,
  startedAt: '2026-11-22T01:00:00.000Z',
  command: 'nightly',
});

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'rijm-lock-')), 'rijm.lock');
const holder = join(import.meta.dirname, 'fixtures', 'hold-lock.mjs');

/** A child process that takes the lock; resolves once it holds it (or says it is busy). */
function child(
  path: string,
  holdMs?: number,
): Promise<{ p: ChildProcess; first: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [holder, path, ...(holdMs ? [String(holdMs)] : [])], {
      env: { ...process.env, RIJM_TEST_DIST: compiledDir() },
    });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ p, first: out.split('\n')[0]!, out: () => out });
    });
    p.stderr!.on('data', (d) => (err += d));
    p.on('close', (code) => {
      if (!out) reject(new Error(`the lock holder ended (${code}) without a word:\n${err}`));
    });
  });
}

const closed = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on('close', () => r())));

describe('the lock', () => {
  beforeAll(async () => {
    await compileProject('pipelines/nightly/lock.js');
  }, 180_000);

  it('names its holder, refuses a second taker with exit code 4, and is private', async () => {
    const path = lockPath();
    const log = memoryLogger();
    const lock = await acquireLock(path, { owner: owner(process.pid, 'run-a'), log });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(owner(process.pid, 'run-a'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.duckdb`).mode & 0o777).toBe(0o600);
    const refused = await acquireLock(path, { owner: owner(process.pid, 'run-b'), log }).catch((e) => e);
    expect(refused).toBeInstanceOf(LockBusyError);
    expect(refused.exitCode).toBe(ExitCode.busy);
    expect(refused.message).toBe(
      `another run holds the lock ${path}: pid ${process.pid}, run run-a, started 2026-11-22T01:00:00.000Z` +
        ' (this run did not start; wait for that one to finish)',
    );
    lock.release();
    lock.release();
    // The holder's name goes; the locked file stays, so that no second file of its name can ever be locked.
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.duckdb`)).toBe(true);
    expect(log.records).toEqual([]);
    (await acquireLock(path, { owner: owner(process.pid, 'run-c'), log })).release();
  });

  it('does not block on a rijm.lock left naming a live unrelated pid (1), nor on one that is not a lock', async () => {
    for (const left of [JSON.stringify(owner(1, 'long-ago')), 'half a li']) {
      const path = lockPath();
      writeFileSync(path, left);
      const log = memoryLogger();
      const lock = await acquireLock(path, { owner: owner(process.pid, 'run-b'), log });
      expect(JSON.parse(readFileSync(path, 'utf8')).runId).toBe('run-b');
      expect(log.records).toMatchObject([{ level: 'warn', event: 'stale_lock_taken_over' }]);
      lock.release();
    }
  });

  it('is held by another process until it is killed, then taken at once', async () => {
    const path = lockPath();
    const held = await child(path);
    expect(held.first).toMatch(/^held /);
    try {
      const refused = await acquireLock(path, {
        owner: owner(process.pid, 'run-b'),
        log: memoryLogger(),
      }).catch((e) => e);
      expect(refused).toBeInstanceOf(LockBusyError);
      expect(refused.message).toContain(`pid ${held.p.pid}, run child-${held.p.pid}`);
      expect(lockState(path)).toMatchObject({ held: true, pid: held.p.pid, owner: { pid: held.p.pid } });
    } finally {
      held.p.kill('SIGKILL');
      await closed(held.p);
    }
    // Killed: its rijm.lock is still there, but nothing holds the lock any more.
    expect(lockState(path)).toMatchObject({ held: false, owner: { runId: `child-${held.p.pid}` } });
    const log = memoryLogger();
    const lock = await acquireLock(path, { owner: owner(process.pid, 'run-c'), log });
    expect(log.records).toMatchObject([{ event: 'stale_lock_taken_over', runId: `child-${held.p.pid}` }]);
    lock.release();
  });

  it('never lets two processes starting at once hold it at the same time', async () => {
    const path = lockPath();
    const racers = await Promise.all(Array.from({ length: 4 }, () => child(path, 1500)));
    await Promise.all(racers.map((r) => closed(r.p)));
    const outs = racers.map((r) => r.out());
    const held = outs
      .filter((o) => o.startsWith('held'))
      .map((o) => o.match(/\d+/g)!.map(Number) as [number, number])
      .sort((a, b) => a[0] - b[0]);
    expect(held.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < held.length; i++) expect(held[i]![0]).toBeGreaterThanOrEqual(held[i - 1]![1]);
    // They start within a fraction of the time one holds it: the others were refused with exit code 4.
    expect(outs.filter((o) => o.startsWith(`busy ${ExitCode.busy}`)).length).toBeGreaterThanOrEqual(1);
    expect(held.length + outs.filter((o) => o.startsWith('busy')).length).toBe(4);
  });

  it('tells who holds it from the kernel, not from a pid that may be reused', () => {
    const path = lockPath();
    writeFileSync(`${path}.duckdb`, '');
    writeFileSync(path, JSON.stringify(owner(1, 'long-ago')));
    const ino = statSync(`${path}.duckdb`).ino;
    expect(lockState(path, () => `1: POSIX  ADVISORY  WRITE 4242 fe:00:${ino} 0 EOF\n`)).toMatchObject({
      held: true,
      pid: 4242,
    });
    // pid 1 is alive, but holds nothing.
    expect(lockState(path, () => '1: POSIX  ADVISORY  WRITE 4242 fe:00:1 0 EOF\n')).toMatchObject({
      held: false,
      owner: { pid: 1 },
    });
  });
});
