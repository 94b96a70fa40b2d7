/**
 * `ingestInbox`: reads every new file in every municipality's inbox folder into the warehouse.
 *
 * Per file: skip when a file of this name, size and modification time was read before (not hashed again) →
 * hash → archive (by hash) → skip when this name and these bytes were processed before →
 * `dubbel` when the same bytes were already loaded under another name → otherwise the type's loader runs
 * inside one transaction together with the file's quarantine rows and its meta.deliveries record, so a
 * killed run leaves each file either wholly recorded or not at all, and the next run picks it up again.
 * Municipalities are read in parallel (p-limit), each on its own connection; files of one municipality in
 * order of file date, then name. A loader may load in batches (`LoadBatch`, the tabular files): its files
 * wait in the worker's batch until the next flush, always inside the same transaction as their records.
 */
import pLimit from 'p-limit';
import type { Profile } from '../../schemas/profile.js';
import type { Warehouse } from '../lib/db.js';
import type { Logger } from '../lib/log.js';
import { loadProfiles } from '../lib/profiles.js';
import type { SecretKey } from '../lib/pseudonym.js';
import { archiveFile, deliveryIdOf, hashOrProblem } from './archive.js';
import { discoverInbox, type FoundFile } from './discover.js';
import { holdMessagePool } from './ijw/pool.js';
import { loaders as defaultLoaders } from './loaders.js';
import {
  type DeliveredFile,
  defaultLimits,
  type FileType,
  type GemeenteSummary,
  type IngestSummary,
  type Limits,
  type LoadBatch,
  type LoadContext,
  type Loader,
  type LoadOutcome,
  type MemberOutcome,
  type QuarantineEntry,
} from './types.js';

export interface IngestOptions {
  inbox: string;
  archiveDir: string;
  key: SecretKey;
  runId: string;
  log: Logger;
  clock: () => Date;
  /** Municipalities read at the same time (default 2). */
  concurrency?: number;
  maxFileBytes?: number;
  limits?: Partial<Limits>;
  profiles?: Map<string, Profile>;
  loaders?: Partial<Record<FileType, Loader>>;
}

interface DeliveryRow {
  deliveryId: string;
  gemeente: string;
  fileName: string;
  memberName: string | null;
  sha256: string;
  size: number;
  fileType: FileType;
  fileDate: string | null;
  receivedAt: Date | null;
  result: string;
  reason: string | null;
  messageCode: string | null;
  read: number;
  loaded: number;
  quarantined: number;
  skipped: number;
  archivePath: string | null;
}

/** Appends meta.deliveries rows (buffered with the batch). */
async function appendDeliveries(db: Warehouse, rows: DeliveryRow[], runId: string, now: Date): Promise<void> {
  await db.appendRows(
    'meta.deliveries',
    rows.map((row) => [
      row.deliveryId,
      row.gemeente,
      row.fileName,
      row.memberName,
      row.sha256,
      row.size,
      row.fileType,
      row.fileDate ? new Date(`${row.fileDate}T00:00:00Z`) : null,
      row.receivedAt,
      now,
      runId,
      row.result,
      row.reason,
      row.messageCode,
      row.read,
      row.loaded,
      row.quarantined,
      row.skipped,
      row.archivePath,
    ]),
  );
}

function emptySummary(): GemeenteSummary {
  return { files: 0, rejectedFiles: 0, rowsLoaded: 0, rowsQuarantined: 0 };
}

/** Files committed together: a batch is atomic, so a killed run never leaves a file half recorded. */
const BATCH_FILES = 500;
const BATCH_BYTES = 64 * 1024 * 1024;

/** What one worker knows of a gemeente's earlier deliveries, so no file needs a query to be classified. */
interface FolderState {
  /** `name \0 sha256` of every file processed before (not read again). */
  processed: Set<string>;
  /**
   * `name \0 size \0 mtime` (ms) of every file whose bytes were read before: a file in the inbox that
   * matches one is processed already and is not hashed again (see `unchangedKey`).
   */
  unchanged: Set<string>;
  /** sha256 → file name, for content that was loaded (a re-delivery under another name is `dubbel`). */
  loaded: Map<string, string>;
}

/**
 * Identifies a file by name, size and modification time, as meta.deliveries records them (`size_bytes`,
 * `received_at` to the millisecond). Delivering a file again writes it, which sets a new modification
 * time, so a re-delivery under the same name is always hashed and compared by content; only a file that
 * was never rewritten keeps all three.
 */
function unchangedKey(name: string, size: number, mtimeMs: number): string {
  return `${name}\0${size}\0${mtimeMs}`;
}

async function readFolderState(db: Warehouse, gemeente: string): Promise<FolderState> {
  const files = await db.all<{
    file_name: string;
    sha256: string;
    size_bytes: number;
    received_ms: number | null;
  }>(
    `select file_name, sha256, size_bytes, epoch_ms(received_at) as received_ms
     from meta.deliveries where gemeente = $1 and member_name is null`,
    [gemeente],
  );
  // One row per file, its loaded hashes (its own, or its zip members') joined: a gemeente's zips hold tens of
  // thousands of members, and a row object per member cost seconds on every night.
  const loaded = await db.all<{ file_name: string; shas: string }>(
    `select file_name, string_agg(sha256, ' ') as shas from meta.deliveries
     where gemeente = $1 and result in ('geladen', 'deels_afgewezen') group by file_name`,
    [gemeente],
  );
  const state: FolderState = { processed: new Set(), unchanged: new Set(), loaded: new Map() };
  for (const r of files) {
    state.processed.add(`${r.file_name}\0${r.sha256}`);
    // A file refused unread (too large, unreadable) is tried again each night: the limit may have been
    // raised or the permission given since, neither of which changes its modification time.
    if (r.received_ms !== null && !/^(te-groot|onleesbaar)-/.test(r.sha256)) {
      state.unchanged.add(unchangedKey(r.file_name, Number(r.size_bytes), Number(r.received_ms)));
    }
  }
  for (const r of loaded) for (const sha of r.shas.split(' ')) state.loaded.set(sha, r.file_name);
  return state;
}

/** Reads every new delivery in `opts.inbox`; see the module comment for the rules. */
export async function ingestInbox(db: Warehouse, opts: IngestOptions): Promise<IngestSummary> {
  const limits: Limits = {
    ...defaultLimits,
    ...opts.limits,
    ...(opts.maxFileBytes === undefined ? {} : { maxFileBytes: opts.maxFileBytes }),
  };
  const profiles = opts.profiles ?? loadProfiles();
  const loaders = opts.loaders ?? defaultLoaders;
  const hidden: string[] = [];
  const found = discoverInbox(opts.inbox, profiles, hidden);
  if (hidden.length > 0) {
    // Not deliveries (uploads in progress, system files), but never passed by unseen.
    opts.log.warn('hidden_files_skipped', {
      count: hidden.length,
      files: hidden.slice(0, 50),
      message: 'names that start with a dot are not read (an upload in progress, or a system file)',
    });
  }
  // For a person watching: what there is to read (the terminal shows files and megabytes done of these).
  opts.log.info('ingest_start', { files: found.length, bytes: found.reduce((n, f) => n + f.size, 0) });
  const byFolder = new Map<string, FoundFile[]>();
  for (const f of found) byFolder.set(f.folder, [...(byFolder.get(f.folder) ?? []), f]);

  const summary: IngestSummary = { ...emptySummary(), skippedFiles: 0, perGemeente: {} };
  const limit = pLimit(Math.max(1, opts.concurrency ?? 2));
  const full = { ...opts, limits, profiles, loaders };
  const releasePool = holdMessagePool();
  try {
    await readFolders(db, byFolder, summary, limit, full);
  } finally {
    await releasePool();
  }
  return summary;
}

async function readFolders(
  db: Warehouse,
  byFolder: Map<string, FoundFile[]>,
  summary: IngestSummary,
  limit: ReturnType<typeof pLimit>,
  full: Parameters<typeof ingestFile>[4],
): Promise<void> {
  await Promise.all(
    [...byFolder.entries()].map(([folder, files]) =>
      limit(async () => {
        const key = files[0]?.gemeente?.cbsCode ?? (folder || '(inbox)');
        summary.perGemeente[key] ??= emptySummary();
        const g = summary.perGemeente[key];
        const conn = await db.connect();
        full.log.debug('gemeente_start', { gemeente: key, files: files.length });
        try {
          const state = await readFolderState(conn, key);
          await conn.bufferAppends(true);
          const tally = (outcome: LoadOutcome) => {
            g.files++;
            summary.files++;
            if (outcome.result === 'afgewezen') {
              g.rejectedFiles++;
              summary.rejectedFiles++;
            }
            g.rowsLoaded += outcome.recordsLoaded;
            g.rowsQuarantined += outcome.recordsQuarantined;
            summary.rowsLoaded += outcome.recordsLoaded;
            summary.rowsQuarantined += outcome.recordsQuarantined;
          };
          const batches = new Batches(conn, tally);
          let batchFiles = 0;
          let batchBytes = 0;
          await conn.run('begin transaction');
          try {
            for (const file of files) {
              const outcome = await ingestFile(conn, file, state, batches, full);
              if (outcome === 'skipped') {
                summary.skippedFiles++;
                full.log.debug('file_skipped', { gemeente: key, file: file.name, bytes: file.size });
                continue;
              }
              if (outcome !== 'waiting') tally(outcome);
              batchFiles++;
              batchBytes += file.size;
              if (batchFiles >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
                await batches.flush();
                await conn.run('commit');
                await conn.run('begin transaction');
                batchFiles = 0;
                batchBytes = 0;
              }
            }
            await batches.flush();
            await conn.run('commit');
          } catch (error) {
            conn.discardAppends();
            await conn.run('rollback').catch(() => undefined);
            throw error;
          }
        } finally {
          conn.close();
          full.log.debug('gemeente_done', { gemeente: key });
        }
      }),
    ),
  );
}

/**
 * One worker's open loader batches (see `LoadBatch`) and the files waiting in them. A waiting file's
 * outcome is recorded when its batch is flushed: before every commit, and before any decision that
 * depends on whether waiting content was loaded (a later file or zip member with the same bytes).
 */
class Batches {
  readonly #db: Warehouse;
  readonly #done: (outcome: LoadOutcome) => void;
  readonly #open = new Map<object, LoadBatch>();
  #waiting: { deliveryId: string; name: string; finish: (o: LoadOutcome) => Promise<LoadOutcome> }[] = [];
  /** sha256 of the waiting files. */
  readonly shas = new Set<string>();

  constructor(db: Warehouse, done: (outcome: LoadOutcome) => void) {
    this.#db = db;
    this.#done = done;
  }

  of(batch: NonNullable<Loader['batch']>): LoadBatch {
    let open = this.#open.get(batch.group);
    if (!open) {
      open = batch.open(this.#db);
      this.#open.set(batch.group, open);
    }
    return open;
  }

  wait(sha256: string, deliveryId: string, name: string, finish: (o: LoadOutcome) => Promise<LoadOutcome>) {
    this.shas.add(sha256);
    this.#waiting.push({ deliveryId, name, finish });
  }

  /** Loads every waiting file and records each outcome, in the order the files were found. */
  async flush(): Promise<void> {
    if (this.#waiting.length === 0) return;
    const outcomes = new Map<string, LoadOutcome>();
    for (const open of this.#open.values()) {
      for (const [id, outcome] of await open.flush()) outcomes.set(id, outcome);
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    this.shas.clear();
    for (const w of waiting) {
      const outcome = outcomes.get(w.deliveryId);
      if (!outcome) throw new Error(`the loader's batch gave no outcome for ${w.name}`);
      this.#done(await w.finish(outcome));
    }
  }
}

function refused(reason: string): LoadOutcome {
  return {
    result: 'afgewezen',
    reason,
    recordsRead: 0,
    recordsLoaded: 0,
    recordsQuarantined: 0,
    recordsSkipped: 0,
  };
}

/**
 * Processes one file inside the worker's open batch transaction; `waiting` when its loader batches and
 * the outcome is recorded at the batch's flush.
 */
async function ingestFile(
  db: Warehouse,
  file: FoundFile,
  state: FolderState,
  batches: Batches,
  opts: IngestOptions & {
    limits: Limits;
    profiles: Map<string, Profile>;
    loaders: Partial<Record<FileType, Loader>>;
  },
): Promise<LoadOutcome | 'skipped' | 'waiting'> {
  const gemeenteCode = file.gemeente?.cbsCode ?? (file.folder || '(inbox)');
  // Processed before and not written since: not read again, not even to hash it.
  if (!file.refusal && state.unchanged.has(unchangedKey(file.name, file.size, file.mtime.getTime()))) {
    return 'skipped';
  }
  const tooLarge = file.size > opts.limits.maxFileBytes;
  // A file over the limit is not read at all: it is identified by name, size and time instead of its hash.
  // A file that cannot be read (no permission, vanished, a symbolic link) is refused the same way.
  let unreadable: string | null = tooLarge ? null : (file.refusal ?? null);
  let sha256: string;
  if (tooLarge) sha256 = `te-groot-${file.size}-${file.mtime.getTime()}`;
  else {
    const hashed = unreadable ? { problem: unreadable } : await hashOrProblem(file.path);
    if ('problem' in hashed) unreadable = hashed.problem;
    sha256 = 'sha256' in hashed ? hashed.sha256 : `onleesbaar-${file.size}-${file.mtime.getTime()}`;
  }
  if (state.processed.has(`${file.name}\0${sha256}`)) return 'skipped';
  state.processed.add(`${file.name}\0${sha256}`);

  const deliveryId = deliveryIdOf(gemeenteCode, file.name, null, sha256);
  const archivePath = tooLarge || unreadable ? null : await archiveFile(opts.archiveDir, file.path, sha256);
  const base = {
    deliveryId,
    gemeente: gemeenteCode,
    fileName: file.name,
    memberName: null,
    sha256,
    size: file.size,
    fileType: file.type,
    fileDate: file.fileDate,
    receivedAt: file.mtime,
    archivePath,
  };
  const finish = async (
    outcome: LoadOutcome,
    members: DeliveryRow[] = [],
    quarantine: QuarantineEntry[] = [],
  ) => {
    const now = opts.clock();
    await insertQuarantine(db, deliveryId, gemeenteCode, file.name, quarantine);
    if (outcome.dialect && outcome.dialect.length > 0) {
      await db.appendRows(
        'meta.dialects',
        outcome.dialect.map((d) => [
          deliveryId,
          gemeenteCode,
          file.name,
          d.aspect,
          d.kolom,
          d.profiel,
          d.gelezen,
          d.afwijkend,
          d.omschrijving,
        ]),
      );
    }
    const row: DeliveryRow = {
      ...base,
      result: outcome.result,
      reason: outcome.reason ?? null,
      messageCode: outcome.messageCode ?? null,
      read: outcome.recordsRead,
      loaded: outcome.recordsLoaded,
      quarantined: outcome.recordsQuarantined,
      skipped: outcome.recordsSkipped,
    };
    await appendDeliveries(db, [...members, row], opts.runId, now);
    for (const r of [...members, row]) {
      if (r.result === 'geladen' || r.result === 'deels_afgewezen') state.loaded.set(r.sha256, r.fileName);
    }
    opts.log.info('file_ingested', {
      gemeente: gemeenteCode,
      file: file.name,
      type: file.type,
      bytes: file.size,
      result: outcome.result,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      read: outcome.recordsRead,
      loaded: outcome.recordsLoaded,
      quarantined: outcome.recordsQuarantined,
    });
    return outcome;
  };

  if (!file.gemeente) {
    const reason = file.folder
      ? `onbekende map ${file.folder}: geen gemeente van jeugdregio IJsselland (verwacht een CBS-code zoals GM0193)`
      : 'bestand staat niet in de map van een gemeente (verwacht <inbox>/<CBS-code>/<bestand>)';
    return finish(refused(reason));
  }
  if (tooLarge) {
    return finish(
      refused(`bestand te groot: ${file.size} bytes, de grens is ${opts.limits.maxFileBytes} bytes`),
    );
  }
  if (unreadable) return finish(refused(unreadable));
  if (file.type === 'onbekend') {
    return finish(
      refused(
        'onbekend bestandstype: de naam moet beginnen met ijw_, uitkomsten_ of clientbestand_ (of eindigen op .xml of .zip)',
      ),
    );
  }
  if (batches.shas.has(sha256)) await batches.flush();
  const earlier = state.loaded.get(sha256);
  if (earlier !== undefined) {
    return finish({
      result: 'dubbel',
      reason: `dezelfde inhoud is eerder geladen als ${earlier}; niet opnieuw geladen`,
      recordsRead: 0,
      recordsLoaded: 0,
      recordsQuarantined: 0,
      recordsSkipped: 0,
    });
  }
  const loader = opts.loaders[file.type];
  if (!loader) return finish(refused(`bestandstype ${file.type} wordt niet ingelezen`));

  const delivered: DeliveredFile = {
    gemeente: file.gemeente,
    path: file.path,
    name: file.name,
    type: file.type,
    size: file.size,
    mtime: file.mtime,
    sha256,
    fileDate: file.fileDate,
    deliveryId,
  };
  const quarantine: QuarantineEntry[] = [];
  const members: DeliveryRow[] = [];
  const ctx: LoadContext = {
    db,
    key: opts.key,
    log: opts.log,
    clock: opts.clock,
    limits: opts.limits,
    profile: opts.profiles.get(file.gemeente.cbsCode),
    quarantine: (e) => {
      if (Array.isArray(e)) quarantine.push(...e);
      else quarantine.push(e);
    },
    memberDeliveryId: (memberName, memberSha) => deliveryIdOf(gemeenteCode, file.name, memberName, memberSha),
    recordMember: (m: MemberOutcome) =>
      members.push({
        ...base,
        deliveryId: deliveryIdOf(gemeenteCode, file.name, m.memberName, m.sha256),
        memberName: m.memberName,
        sha256: m.sha256,
        size: m.size,
        archivePath,
        result: m.result,
        reason: m.reason ?? null,
        messageCode: m.messageCode ?? null,
        read: m.recordsRead,
        loaded: m.recordsLoaded,
        quarantined: m.recordsQuarantined,
        skipped: m.recordsSkipped,
      }),
    isLoaded: async (memberSha) => {
      if (batches.shas.has(memberSha)) await batches.flush();
      return state.loaded.has(memberSha);
    },
  };
  if (loader.batch) {
    const now = await batches.of(loader.batch).add(delivered, ctx);
    if (now) return finish(now, members, quarantine);
    batches.wait(sha256, deliveryId, file.name, (outcome) => finish(outcome, members, quarantine));
    return 'waiting';
  }
  const outcome = await loader(delivered, ctx);
  return finish(outcome, members, quarantine);
}

async function insertQuarantine(
  db: Warehouse,
  deliveryId: string,
  gemeente: string,
  fileName: string,
  entries: QuarantineEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.appendRows(
    'meta.quarantine',
    entries.map((e) => [
      deliveryId,
      gemeente,
      fileName,
      e.memberName ?? null,
      e.line ?? null,
      e.elementPath ?? null,
      e.column ?? null,
      e.value ?? null,
      e.rule,
      e.reason,
      e.recordKey ?? null,
    ]),
  );
}
