/**
 * Examines iJw messages (parse, checks, XSD verdict, pseudonyms) on worker threads, so the two cores of
 * the machine parse and validate while the main thread reads zips and appends rows to DuckDB. A batch of
 * messages goes to the least busy worker as one transferred buffer; results come back in the order asked,
 * so the rows, outcomes and quarantine are the same as when examined one by one in this thread.
 *
 * `RIJM_INGEST_WORKERS` sets the number of threads (0: examine in this thread); the default is one per
 * core when there are at least two. Without the compiled worker script (running from the TypeScript
 * source, as the unit tests do) messages are examined in this thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RijmError } from '../../lib/errors.js';
import type { Gemeente } from '../../lib/gemeenten.js';
import type { Logger } from '../../lib/log.js';
import type { SecretKey } from '../../lib/pseudonym.js';
import { type Examined, examineBytes } from './message.js';

export interface MessageJob {
  bytes: Buffer;
  deliveryId: string;
  memberName: string | null;
}

/** What the main thread sends a worker: the messages of a batch packed into one transferred buffer. */
export interface BatchRequest {
  id: number;
  gemeente: Gemeente;
  key: ReturnType<SecretKey['toTransfer']>;
  buffer: ArrayBuffer;
  jobs: { offset: number; length: number; deliveryId: string; memberName: string | null }[];
}

export type BatchReply = { id: number; results: Examined[] } | { id: number; error: string };

export interface MessagePool {
  /** Worker threads in use; 0 when messages are examined in this thread. */
  readonly threads: number;
  examine(gemeente: Gemeente, key: SecretKey, jobs: MessageJob[]): Promise<Examined[]>;
  close(): Promise<void>;
}

/** The number of worker threads from `RIJM_INGEST_WORKERS`, else one per core when there are two or more. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.RIJM_INGEST_WORKERS;
  if (set !== undefined && set.trim() !== '') {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 0 || n > 64) {
      throw new RijmError(`RIJM_INGEST_WORKERS: expected a whole number from 0 to 64, got "${set}"`);
    }
    return n;
  }
  const cores = availableParallelism();
  return cores >= 2 ? Math.min(cores, 8) : 0;
}

const workerScript = new URL('./worker.js', import.meta.url);

class InThread implements MessagePool {
  readonly threads = 0;

  async examine(gemeente: Gemeente, key: SecretKey, jobs: MessageJob[]): Promise<Examined[]> {
    const results: Examined[] = [];
    for (const job of jobs) results.push(await examineBytes(gemeente, key, job));
    return results;
  }

  async close(): Promise<void> {}
}

interface Pending {
  resolve: (results: Examined[]) => void;
  reject: (error: Error) => void;
}

class Slot {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead = false;

  constructor(script: URL, onDead: (slot: Slot) => void) {
    this.worker = new Worker(script);
    // An idle worker does not keep the process alive; a busy one does (see `send`).
    this.worker.unref();
    this.worker.on('message', (reply: BatchReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in reply) p.reject(new Error(`iJw worker: ${reply.error}`));
      else p.resolve(reply.results);
    });
    const fail = (error: Error) => {
      this.dead = true;
      onDead(this);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(error));
    this.worker.on('exit', (code) => fail(new Error(`iJw worker stopped (exit code ${code})`)));
  }

  send(request: BatchRequest): Promise<Examined[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request, [request.buffer]);
    });
  }
}

/**
 * `threads` worker threads running `script` (default the compiled `worker.js`). A worker that dies fails
 * the batches it holds with its error and is replaced for the next batch.
 */
export class Threads implements MessagePool {
  readonly threads: number;
  readonly #script: URL;
  #slots: Slot[] = [];
  #next = 0;

  constructor(threads: number, script: URL = workerScript) {
    this.threads = threads;
    this.#script = script;
  }

  #slot(): Slot {
    while (this.#slots.length < this.threads) {
      const slot = new Slot(this.#script, (dead) => (this.#slots = this.#slots.filter((s) => s !== dead)));
      this.#slots.push(slot);
    }
    let best = this.#slots[0] as Slot;
    for (const s of this.#slots) if (s.pending.size < best.pending.size) best = s;
    return best;
  }

  examine(gemeente: Gemeente, key: SecretKey, jobs: MessageJob[]): Promise<Examined[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    const total = jobs.reduce((n, j) => n + j.bytes.length, 0);
    // One fresh buffer per batch, transferred: the members' own buffers may share memory with others.
    const packed = new Uint8Array(total);
    let offset = 0;
    const described = jobs.map((j) => {
      packed.set(j.bytes, offset);
      const d = { offset, length: j.bytes.length, deliveryId: j.deliveryId, memberName: j.memberName };
      offset += j.bytes.length;
      return d;
    });
    return this.#slot().send({
      id: this.#next++,
      gemeente,
      key: key.toTransfer(),
      buffer: packed.buffer,
      jobs: described,
    });
  }

  async close(): Promise<void> {
    const slots = this.#slots;
    this.#slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

let shared: MessagePool | undefined;

/** The process's pool, made (and logged, as `ijw_threads`) on first use. */
export function messagePool(log?: Logger): MessagePool {
  if (!shared) {
    const n = workerCount();
    shared = n > 0 && existsSync(fileURLToPath(workerScript)) ? new Threads(n) : new InThread();
    log?.info('ijw_threads', { threads: shared.threads });
  }
  return shared;
}

/** Stops the process's worker threads (a later `messagePool()` starts new ones). */
export async function closeMessagePool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}

let holders = 0;

/**
 * Holds the process's pool for one ingest; the returned function lets go of it, and the last to let go
 * stops the threads. Idle workers are unref'd, but that is not enough to let the process end: on Node 20
 * a pool of two threads of which one never got a batch kept `rijm ingest` alive after its summary.
 * Stopping them when the work is done makes every command that ingests end with its exit code.
 */
export function holdMessagePool(): () => Promise<void> {
  holders++;
  let held = true;
  return async () => {
    if (!held) return;
    held = false;
    holders--;
    if (holders === 0) await closeMessagePool();
  };
}
