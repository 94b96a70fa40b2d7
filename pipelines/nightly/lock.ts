/**
 * One run at a time: a lock file in the data directory, created with `wx` so that exactly one process
 * can create it, holding the owner's pid, run id and start time. A second run refuses and names the
 * owner. A lock whose pid is no longer alive was left by a run that was killed; it is taken over with a
 * warning (the killed run left the working warehouse and the publication as they were, see publish.ts).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RijmError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';

export interface LockOwner {
  pid: number;
  runId: string;
  startedAt: string;
  command: string;
}

export interface LockOptions {
  owner: LockOwner;
  log: Logger;
  /** Whether a process with this pid exists; injected so tests can fake a dead owner. */
  isAlive?: (pid: number) => boolean;
}

export interface Lock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
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

/** Reads the owner of a lock file; undefined when there is none or it cannot be read as one. */
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

/**
 * Run ids of the locks this process holds. A lock naming our own pid but not one of these was left by an
 * earlier process that had the same pid (a container restarts its command as pid 1 every time).
 */
const heldHere = new Set<string>();

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new RijmError(`cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock at `path` or throws a RijmError naming the process that holds it. A stale lock (owner
 * pid not alive, or a file that is not a lock at all) is moved aside and taken over.
 */
export function acquireLock(path: string, options: LockOptions): Lock {
  const isAlive = options.isAlive ?? processIsAlive;
  mkdirSync(dirname(path), { recursive: true });
  // Two attempts: the second after a stale lock was moved aside. A third process that takes the lock
  // between the two makes the second attempt fail, which is the right answer.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path, options.owner)) {
      let released = false;
      heldHere.add(options.owner.runId);
      return {
        path,
        owner: options.owner,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(options.owner.runId);
          const current = readLock(path);
          if (current && current.pid === options.owner.pid && current.runId === options.owner.runId) {
            unlinkSync(path);
          }
        },
      };
    }
    const holder = readLock(path);
    const ours = holder?.pid === process.pid;
    if (holder && (ours ? heldHere.has(holder.runId) : isAlive(holder.pid))) {
      throw new RijmError(
        `another run holds the lock ${path}: pid ${holder.pid}, run ${holder.runId}, started ${holder.startedAt}` +
          ' (wait for it to finish; if that process is gone, the lock is taken over on the next run)',
      );
    }
    options.log.warn('stale_lock_taken_over', {
      path,
      pid: holder?.pid ?? null,
      runId: holder?.runId ?? null,
      startedAt: holder?.startedAt ?? null,
      message: 'a previous run did not finish (killed or crashed); its work was discarded',
    });
    // Rename first: of two processes that both saw the stale lock, only one rename finds the file.
    const aside = `${path}.stale-${options.owner.pid}`;
    try {
      renameSync(path, aside);
      unlinkSync(aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const holder = readLock(path);
  throw new RijmError(
    `another run took the lock ${path} at the same moment: pid ${holder?.pid ?? 'unknown'}`,
  );
}
