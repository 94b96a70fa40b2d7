/**
 * A zip of iJw messages, streamed with yauzl. Every XML member is its own delivery (recorded with
 * `ctx.recordMember`, its rows carry the member's delivery id). Limits are enforced on the bytes actually
 * inflated, not on what the zip's headers claim: too many entries, too many bytes in all, or a member that
 * inflates beyond the allowed ratio refuses the whole zip (a zip bomb), and so does a truncated or corrupt
 * zip; nothing of it is then loaded. A member whose name would escape its folder is refused on its own.
 */

import { kMaxLength } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { DeliveredFile, LoadContext, LoadOutcome, MemberOutcome, QuarantineEntry } from '../types.js';
import { type Examined, loadMessage, RowSink, writeRows, XSD_MAX_BYTES } from './message.js';
import { type MessageJob, messagePool } from './pool.js';

/** Why the whole zip is refused (plain Dutch). */
class ZipRefused extends Error {}

const zipOptions = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: false,
} as const;

/** Members examined together on a worker thread: enough to make handing over cheap, few enough to keep memory low. */
const BATCH_MESSAGES = 32;
const BATCH_BYTES = 256 * 1024;
/** Batches handed out and not yet written, per zip: bounds the memory a large zip holds at once. */
const BATCHES_IN_FLIGHT = 8;

/** Zips up to this size are read whole and parsed from memory: one read instead of thousands of small ones. */
export const ZIP_IN_MEMORY_BYTES = 64 * 1024 * 1024;

async function openZip(path: string): Promise<{ zip: ZipFile; inMemory: boolean }> {
  if ((await stat(path)).size <= ZIP_IN_MEMORY_BYTES) {
    const bytes = await readFile(path);
    return new Promise((resolve, reject) =>
      yauzl.fromBuffer(bytes, zipOptions, (err, zip) =>
        err || !zip ? reject(err) : resolve({ zip, inMemory: true }),
      ),
    );
  }
  return new Promise((resolve, reject) =>
    yauzl.open(path, zipOptions, (err, zip) =>
      err || !zip ? reject(err) : resolve({ zip, inMemory: false }),
    ),
  );
}

function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err) : resolve(stream))),
  );
}

/** The member's deflated bytes as stored (from a zip in memory this is a copy, no inflating). */
async function rawEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, { decompress: false }, (err, s) => (err || !s ? reject(err) : resolve(s))),
  );
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Inflates a deflated member in one call, never beyond `cap` bytes: a zlib stream per member costs far
 * more than the inflating itself when a zip holds thousands of small messages. Null when the member
 * inflates beyond `cap`; throws yauzl's own messages when the sizes do not match its header.
 */
function inflateMember(raw: Buffer, entry: Entry, cap: number): Buffer | null {
  // yauzl checks the size its header gives before any limit of ours sees the bytes: so do we.
  const limit = Math.min(cap, entry.uncompressedSize);
  let out: Buffer | null;
  try {
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, Math.min(limit + 1, kMaxLength)) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
    out = null;
  }
  if (out === null || out.length > limit) {
    if (entry.uncompressedSize < cap) {
      throw new Error(
        `too many bytes in the stream. expected ${entry.uncompressedSize}. got at least ${limit + 1}`,
      );
    }
    return null;
  }
  if (out.length < entry.uncompressedSize) {
    throw new Error(
      `not enough bytes in the stream. expected ${entry.uncompressedSize}. got only ${out.length}`,
    );
  }
  return out;
}

/** The member's name: UTF-8 when the zip says so (flag bit 11), else the old DOS code page. */
export function memberName(entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw;
  return entry.generalPurposeBitFlag & 0x800 ? raw.toString('utf8') : iconv.decode(raw, 'cp437');
}

/** Why a member name is unsafe (escapes the folder), or null when it is fine. */
export function unsafeName(name: string): string | null {
  const n = name.replaceAll('\\', '/');
  if (n.startsWith('/') || /^[A-Za-z]:/.test(n)) return 'absoluut pad';
  if (n.split('/').includes('..')) return 'verwijst naar een bovenliggende map (../)';
  if (n.includes('\0')) return 'ongeldig teken in de naam';
  return null;
}

function memberRefused(name: string, reason: string, size: number): MemberOutcome {
  return {
    memberName: name,
    sha256: createHash('sha256').update(`niet-gelezen:${name}`).digest('hex'),
    size,
    result: 'afgewezen',
    reason,
    recordsRead: 0,
    recordsLoaded: 0,
    recordsQuarantined: 0,
    recordsSkipped: 0,
  };
}

export async function loadZip(file: DeliveredFile, ctx: LoadContext): Promise<LoadOutcome> {
  const { maxZipEntries, maxUnpackedBytes, maxCompressionRatio } = ctx.limits;
  // In member order; a slot stays empty until the member's batch comes back from the pool.
  const members: (MemberOutcome | undefined)[] = [];
  const quarantine: QuarantineEntry[] = [];
  const loadedIds: { id: string; table: string | null }[] = [];
  const seen = new Set<string>();
  const sink = new RowSink(ctx.db);
  const pool = messagePool(ctx.log);
  type Waiting = { slot: number; name: string; sha256: string; size: number; deliveryId: string };
  let batch: { jobs: MessageJob[]; waiting: Waiting[]; bytes: number } = { jobs: [], waiting: [], bytes: 0 };
  const inFlight: { results: Promise<Examined[]>; waiting: Waiting[] }[] = [];
  /** Writes the oldest batch's rows and outcomes, in member order. */
  const settleOldest = async () => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    const results = await oldest.results;
    for (const [i, w] of oldest.waiting.entries()) {
      const { outcome, rows, quarantine: q } = results[i] as Examined;
      await writeRows(ctx.db, outcome.table, rows, sink);
      quarantine.push(...q);
      loadedIds.push({ id: w.deliveryId, table: outcome.recordsLoaded > 0 ? (outcome.table ?? null) : null });
      const { table: _table, ...rest } = outcome;
      members[w.slot] = { ...rest, memberName: w.name, sha256: w.sha256, size: w.size };
    }
  };
  const dispatch = async () => {
    if (batch.jobs.length === 0) return;
    const { jobs, waiting } = batch;
    batch = { jobs: [], waiting: [], bytes: 0 };
    const results = pool.examine(file.gemeente, ctx.key, jobs);
    // Not awaited yet: keep a failure from counting as unhandled while earlier batches are written.
    results.catch(() => undefined);
    inFlight.push({ results, waiting });
    while (inFlight.length > BATCHES_IN_FLIGHT) await settleOldest();
  };
  const settleAll = async () => {
    await dispatch();
    while (inFlight.length > 0) await settleOldest();
  };
  // Member quarantine is held back until the zip as a whole is known to be readable.
  const memberCtx: LoadContext = {
    ...ctx,
    quarantine: (e) => {
      if (Array.isArray(e)) quarantine.push(...e);
      else quarantine.push(e);
    },
  };
  let zip: ZipFile | undefined;
  let inMemory = false;
  let unpacked = 0;
  try {
    try {
      ({ zip, inMemory } = await openZip(file.path));
    } catch (error) {
      throw new ZipRefused(`zip is afgebroken of beschadigd: ${(error as Error).message}`);
    }
    // Errors between reads are picked up by the next read; this keeps them from going unhandled.
    zip.on('error', () => undefined);
    if (zip.entryCount > maxZipEntries) {
      throw new ZipRefused(`zip bevat ${zip.entryCount} bestanden, de grens is ${maxZipEntries}`);
    }
    let count = 0;
    for (;;) {
      let entry: Entry | null;
      try {
        entry = await nextEntry(zip);
      } catch (error) {
        throw new ZipRefused(`zip is afgebroken of beschadigd: ${(error as Error).message}`);
      }
      if (!entry) break;
      if (++count > maxZipEntries) throw new ZipRefused(`zip bevat meer dan ${maxZipEntries} bestanden`);
      const name = memberName(entry);
      if (name.endsWith('/') || name.endsWith('\\')) continue;
      const unsafe = unsafeName(name);
      if (unsafe) {
        members.push(memberRefused(name, `naam in de zip is niet veilig (${unsafe}): niet gelezen`, 0));
        continue;
      }
      if (entry.generalPurposeBitFlag & 0x1) {
        members.push(memberRefused(name, 'versleuteld bestand in de zip: niet gelezen', 0));
        continue;
      }
      if (!/\.xml$/i.test(name)) {
        members.push(
          memberRefused(
            name,
            'geen XML-bestand: een zip mag alleen iJw-berichten (.xml) bevatten',
            entry.uncompressedSize,
          ),
        );
        continue;
      }

      // First pass: inflate under the limits, hash, and keep small members for the parse and the XSD.
      const hash = createHash('sha256');
      const kept: Buffer[] = [];
      let size = 0;
      const maxMember = Math.max(entry.compressedSize, 1) * maxCompressionRatio;
      try {
        if (entry.compressionMethod === 8 && (inMemory || entry.compressedSize <= XSD_MAX_BYTES)) {
          // One chunk, the whole member (read from the file when the zip is too large to hold): the
          // limits below see the same bytes a stream would give.
          const remaining = maxUnpackedBytes - unpacked;
          const whole = inflateMember(await rawEntry(zip, entry), entry, Math.min(maxMember, remaining));
          if (whole === null) {
            throw new ZipRefused(
              remaining <= maxMember
                ? `zip pakt uit tot meer dan ${maxUnpackedBytes} bytes (zip-bom): niet gelezen`
                : `${name} pakt uit tot meer dan ${maxCompressionRatio} keer zijn ingepakte grootte (zip-bom): niet gelezen`,
            );
          }
          size = whole.length;
          unpacked += whole.length;
          hash.update(whole);
          if (size <= XSD_MAX_BYTES) kept.push(whole);
        } else
          for await (const chunk of (await openEntry(zip, entry)) as AsyncIterable<Buffer>) {
            size += chunk.length;
            unpacked += chunk.length;
            if (unpacked > maxUnpackedBytes) {
              throw new ZipRefused(
                `zip pakt uit tot meer dan ${maxUnpackedBytes} bytes (zip-bom): niet gelezen`,
              );
            }
            if (size > maxMember) {
              throw new ZipRefused(
                `${name} pakt uit tot meer dan ${maxCompressionRatio} keer zijn ingepakte grootte (zip-bom): niet gelezen`,
              );
            }
            hash.update(chunk);
            if (size <= XSD_MAX_BYTES) kept.push(chunk);
          }
      } catch (error) {
        if (error instanceof ZipRefused) throw error;
        throw new ZipRefused(`zip is afgebroken of beschadigd bij ${name}: ${(error as Error).message}`);
      }
      const sha256 = hash.digest('hex');
      if (seen.has(sha256) || (await ctx.isLoaded(sha256))) {
        members.push({
          memberName: name,
          sha256,
          size,
          result: 'dubbel',
          reason: 'dezelfde inhoud is eerder geladen; niet opnieuw geladen',
          recordsRead: 0,
          recordsLoaded: 0,
          recordsQuarantined: 0,
          recordsSkipped: 0,
        });
        continue;
      }
      seen.add(sha256);
      const deliveryId = ctx.memberDeliveryId(name, sha256);
      if (size <= XSD_MAX_BYTES) {
        const bytes = kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept);
        batch.jobs.push({ bytes, deliveryId, memberName: name });
        batch.waiting.push({ slot: members.length, name, sha256, size, deliveryId });
        members.push(undefined);
        batch.bytes += size;
        if (batch.jobs.length >= BATCH_MESSAGES || batch.bytes >= BATCH_BYTES) await dispatch();
        continue;
      }
      // Too large to keep: streamed from the zip in this thread, after everything before it.
      await settleAll();
      const zipRef = zip;
      const currentEntry = entry;
      const outcome = await loadMessage(file, memberCtx, {
        deliveryId,
        memberName: name,
        size,
        sink,
        open: async function* () {
          yield* (await openEntry(zipRef, currentEntry)) as AsyncIterable<Buffer>;
        },
      });
      loadedIds.push({ id: deliveryId, table: outcome.recordsLoaded > 0 ? (outcome.table ?? null) : null });
      const { table: _table, ...rest } = outcome;
      members.push({ ...rest, memberName: name, sha256, size });
    }
    await settleAll();
  } catch (error) {
    // Batches still out are waited for, so none of their rows arrive after the zip is cleared.
    const out = inFlight.splice(0);
    await Promise.allSettled(out.map((b) => b.results));
    if (!(error instanceof ZipRefused)) throw error;
    sink.discard();
    for (const { id, table } of loadedIds) {
      if (table) await ctx.db.run(`delete from ${table} where delivery_id = $1`, [id]);
    }
    return {
      result: 'afgewezen',
      reason: error.message,
      recordsRead: 0,
      recordsLoaded: 0,
      recordsQuarantined: 0,
      recordsSkipped: 0,
    };
  } finally {
    zip?.close();
  }

  await sink.flush();
  const done = members as MemberOutcome[];
  for (const m of done) ctx.recordMember(m);
  ctx.quarantine(quarantine);
  const sum = (k: 'recordsRead' | 'recordsLoaded' | 'recordsQuarantined' | 'recordsSkipped') =>
    done.reduce((n, m) => n + m[k], 0);
  const troubled = done.filter((m) => m.result === 'afgewezen' || m.result === 'deels_afgewezen').length;
  const refusedAll = done.length > 0 && done.every((m) => m.result === 'afgewezen');
  // An archive that carries nothing (empty, or every member refused) is a rejected delivery, not a load.
  const result =
    members.length === 0 || refusedAll ? 'afgewezen' : troubled > 0 ? 'deels_afgewezen' : 'geladen';
  return {
    result,
    reason:
      members.length === 0
        ? 'zip bevat geen bestanden'
        : refusedAll
          ? `alle ${members.length} bestanden in de zip afgewezen`
          : troubled > 0
            ? `${troubled} van de ${members.length} bestanden in de zip (deels) afgewezen`
            : null,
    recordsRead: sum('recordsRead'),
    recordsLoaded: sum('recordsLoaded'),
    recordsQuarantined: sum('recordsQuarantined'),
    recordsSkipped: sum('recordsSkipped'),
  };
}
