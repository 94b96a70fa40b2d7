/**
 * One run at a time, with a lock that cannot go stale.
 *
 * The lock is a kernel lock: the run keeps the small database file `rijm.lock.duckdb` open for writing,
 * and DuckDB holds an advisory write lock (`fcntl`) on it for as long as it is open. The kernel drops that
 * lock the moment the process ends, however it ends (a crash, the OOM killer, SIGKILL, a reboot), so a
 * lock never outlives its run and never blocks the next one. No pid is trusted: a pid can belong to
 * another process by now (after a reboot, or pid 1 in a container).
 *
 * Beside it, `rijm.lock` names the holder (pid, run id, start) for the refusal message and `rijm status`.
 * It is information only: one found by a run that got the kernel lock was left by a run that did not
 * finish, and is replaced with a warning (`stale_lock_taken_over`).
 *
 * The lock file itself stays in place between runs: removing it while a run holds it would let a second
 * run lock a new file of the same name. POSIX locks belong to the process and are dropped when it closes
 * any descriptor of the file, so a process never opens the lock file twice: a second acquire in the same
 * process is refused before it opens anything.
 */
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ExitCode, RijmError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { heldLockFile } from '../lib/paths.js';
import { PRIVATE_FILE_MODE } from '../lib/private.js';

export interface LockOwner {
  pid: number;
  runId: string;
  startedAt: string;
  command: string;
}

export interface LockOptions {
  owner: LockOwner;
  log: Logger;
}

export interface Lock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Gives the lock up (and removes `rijm.lock` if it is still ours). Safe to call twice. */
  release(): void;
}

/** Another run holds the lock: this one did not start (exit code 4). */
export class LockBusyError extends RijmError {
  /** The holder as `rijm.lock` names it, when it could be read. */
  readonly holder: LockOwner | undefined;

  constructor(message: string, holder: LockOwner | undefined) {
    super(message, { exitCode: ExitCode.busy });
    this.holder = holder;
  }
}

/** True when a process with `pid` exists (signal 0 checks without sending anything). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the holder named by a lock file; undefined when there is none or it cannot be read as one. */
export function readLock(path: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number') return undefined;
    return {
      pid: value.pid,
      runId: String(value.runId ?? ''),
      startedAt: String(value.startedAt ?? ''),
      command: String(value.command ?? ''),
    };
  } catch {
    return undefined;
  }
}

/** Kernel lock files this process holds (never opened twice, see the module comment). */
const heldHere = new Map<string, LockOwner>();

/** Creates the kernel lock file if it is missing: complete under a temporary name, then linked in. */
function ensureHeldFile(held: string): Promise<void> | undefined {
  if (existsSync(held)) return undefined;
  return (async () => {
    const tmp = `${held}.new-${process.pid}-${randomUUID().slice(0, 8)}`;
    try {
      const instance = await DuckDBInstance.create(tmp, { threads: '1' });
      instance.closeSync();
      chmodSync(tmp, PRIVATE_FILE_MODE);
      try {
        // A link never replaces: of two runs creating it at once, both end up opening the same file.
        linkSync(tmp, held);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    } catch (error) {
      throw new RijmError(`cannot create the lock file ${held}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      rmSync(tmp, { force: true });
      rmSync(`${tmp}.wal`, { force: true });
    }
  })();
}

function busyMessage(path: string, holder: LockOwner | undefined, pid: string | undefined): string {
  const who = holder
    ? `pid ${holder.pid}, run ${holder.runId}, started ${holder.startedAt}`
    : `pid ${pid ?? 'unknown'}`;
  return `another run holds the lock ${path}: ${who} (this run did not start; wait for that one to finish)`;
}

/** Writes the holder's name beside the lock, so a reader never sees half of it. */
function writeOwner(path: string, owner: LockOwner): void {
  const tmp = `${path}.${owner.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, path);
}

/**
 * Takes the lock whose holder file is `path` (`<data-dir>/rijm.lock`), or throws a LockBusyError naming
 * the run that holds it.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<Lock> {
  const held = resolve(heldLockFile(path));
  const mine = heldHere.get(held);
  if (mine) throw new LockBusyError(busyMessage(path, mine, undefined), mine);
  mkdirSync(dirname(path), { recursive: true });
  await ensureHeldFile(held);

  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(held, { threads: '1' });
  } catch (error) {
    const message = (error as Error).message;
    const conflict = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(message);
    if (conflict || /Could not set lock/.test(message)) {
      const holder = readLock(path);
      throw new LockBusyError(busyMessage(path, holder, conflict?.[1]), holder);
    }
    throw new RijmError(
      `cannot take the lock ${held}: ${message.split('\n')[0]} (no run can hold a file that cannot be opened: ` +
        'remove it and start again)',
      { cause: error },
    );
  }
  // Ours now, and only ours: whatever rijm.lock says was left by a run that did not finish.
  heldHere.set(held, options.owner);
  try {
    chmodSync(held, PRIVATE_FILE_MODE);
    const left = readLock(path);
    if (left || existsSync(path)) {
      options.log.warn('stale_lock_taken_over', {
        path,
        pid: left?.pid ?? null,
        runId: left?.runId ?? null,
        startedAt: left?.startedAt ?? null,
        message: 'a previous run did not finish (killed or crashed); its work was discarded',
      });
    }
    writeOwner(path, options.owner);
  } catch (error) {
    heldHere.delete(held);
    instance.closeSync();
    throw error;
  }

  let released = false;
  return {
    path,
    owner: options.owner,
    release() {
      if (released) return;
      released = true;
      try {
        const current = readLock(path);
        if (current && current.pid === options.owner.pid && current.runId === options.owner.runId) {
          unlinkSync(path);
        }
      } finally {
        heldHere.delete(held);
        instance.closeSync();
      }
    },
  };
}

export interface LockState {
  /** Whether a process holds the kernel lock now; undefined when the system cannot say. */
  held: boolean | undefined;
  /** The holder's pid as the kernel reports it. */
  pid?: number;
  /** What `rijm.lock` says (also when nobody holds the lock: then a run did not finish). */
  owner?: LockOwner;
}

/**
 * Who holds the lock, without touching it (so `rijm status` never delays a run): on Linux from
 * /proc/locks, which lists every advisory lock with its pid and file; elsewhere by whether the pid in
 * `rijm.lock` is alive (which a reused pid can fool).
 */
export function lockState(
  path: string,
  locks: () => string = () => readFileSync('/proc/locks', 'utf8'),
): LockState {
  const owner = readLock(path);
  const base = owner ? { owner } : {};
  const held = heldLockFile(path);
  let ino: bigint;
  try {
    ino = statSync(held, { bigint: true }).ino;
  } catch {
    // No lock file: no run since this release; rijm.lock (if any) is from an earlier one.
    return { held: owner ? processIsAlive(owner.pid) : false, ...base };
  }
  let table: string;
  try {
    table = locks();
  } catch {
    return { held: owner ? processIsAlive(owner.pid) : undefined, ...base };
  }
  for (const line of table.split('\n')) {
    // `1: POSIX  ADVISORY  WRITE 4242 fe:00:2171492 0 EOF`; blocked waiters are marked `->` and skipped.
    const m = /^\d+:\s+(?:POSIX|OFDLCK|FLOCK)\s+\S+\s+\S+\s+(-?\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    if (m && BigInt(m[2]!) === ino) return { held: true, pid: Number(m[1]), ...base };
  }
  return { held: false, ...base };
}
