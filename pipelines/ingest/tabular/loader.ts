/**
 * The loaders of the municipalities' own exports, `uitkomsten` and `clientbestand` (delivery.md §3.2–3.4):
 * CSV or XLSX, each file read in one direction — bytes → encoding → dialect → header → rows (./csv.ts,
 * ./xlsx.ts) → the batch's staging table → the values' dialect (./values.ts) → the row rules in bulk SQL
 * (./rules.ts) → raw.<type>, faulty rows in meta.quarantine. The profile is what each step expects, not
 * what it must find: what a file was read with is in its outcome (meta.dialects), departures included.
 * Rows read = loaded + quarantined, for every file.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import yauzl from 'yauzl';
import type { Profile } from '../../../schemas/profile.js';
import type { Warehouse } from '../../lib/db.js';
import type { SecretKey } from '../../lib/pseudonym.js';
import type { DeliveredFile, Limits, LoadBatch, LoadContext, Loader, LoadOutcome } from '../types.js';
import { columnSpecs, type TabularType } from './columns.js';
import { readCsv } from './csv.js';
import { type DialectFact, type Expectation, expectationFor, profileFor } from './dialect.js';
import { checkRows, type RowCounts, storeRows } from './rules.js';
import type { FileRef, Staged } from './stage.js';
import { dateFacts, decideDecimals } from './values.js';
import { readXlsx } from './xlsx.js';

function rejected(reason: string, recordsRead = 0): LoadOutcome {
  return {
    result: 'afgewezen',
    reason,
    recordsRead,
    recordsLoaded: 0,
    recordsQuarantined: 0,
    recordsSkipped: 0,
  };
}

type Container = 'xlsx' | 'csv' | { refused: string };

/** The first bytes of a file (fewer when it is shorter), enough for `sniffContainer`. */
function readHead(path: string): Buffer {
  const head = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** What the bytes are, whatever the name says: a zip (XLSX), an old binary Office file, or text. */
export function sniffContainer(bytes: Buffer, name: string): Container {
  const lower = name.toLowerCase();
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'xlsx';
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    return {
      refused:
        'oud Excel-formaat (.xls) of een beveiligd werkboek: lever het bestand als .xlsx (zonder wachtwoord) of als CSV',
    };
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { refused: 'geen spreadsheet: het bestand is een PDF; lever een CSV- of .xlsx-bestand' };
  }
  if (/\.(xlsx|xlsm|xls)$/.test(lower)) {
    return { refused: 'geen leesbaar Excel-bestand (.xlsx): de inhoud is geen Excel-werkboek' };
  }
  return 'csv';
}

/**
 * Why a workbook (a zip) may not be opened: too many parts, or parts that inflate beyond the limits (a zip
 * bomb). Counts the bytes actually inflated, not what the zip claims, before the workbook is read whole.
 */
export async function workbookOverLimits(bytes: Buffer, limits: Limits): Promise<string | null> {
  const zip = await new Promise<yauzl.ZipFile | null>((resolve) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      resolve(err ? null : (z ?? null)),
    ),
  );
  if (!zip) return null; // not a readable zip: the workbook reader gives the reason
  let entries = 0;
  let total = 0;
  return new Promise((resolve) => {
    let finished = false;
    const done = (reason: string | null) => {
      if (finished) return;
      finished = true;
      zip.close();
      resolve(reason);
    };
    zip.on('error', () => done(null));
    zip.on('end', () => done(null));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (++entries > limits.maxZipEntries)
        return done(`werkboek bevat meer dan ${limits.maxZipEntries} onderdelen`);
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return done(null);
        let inflated = 0;
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          total += chunk.length;
          const ratio = inflated / Math.max(1, entry.compressedSize);
          if (
            total > limits.maxUnpackedBytes ||
            (inflated > 1024 * 1024 && ratio > limits.maxCompressionRatio)
          ) {
            stream.destroy();
            done('werkboek pakt uit tot veel meer dan zijn grootte (zip-bom): niet gelezen');
          }
        });
        stream.on('error', () => done(null));
        stream.on('end', () => {
          if (!finished) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** A group of files in the batch checked together: one gemeente, type and expectation. */
interface Group {
  table: string;
  type: TabularType;
  format: Expectation;
  profile: Profile;
  gemeente: string;
}

/** A file read into the batch, waiting for the rules. */
interface Waiting {
  file: number;
  group: Group;
  delivered: DeliveredFile;
  rowsRead: number;
  /** Rows quarantined while reading (unreadable lines). */
  quarantinedBefore: number;
  /** How it was read so far. */
  dialect: DialectFact[];
}

let tableCount = 0;

/** Loaders with this group share one batch per worker: uitkomsten and clientbestand files alternate. */
const TABULAR = { name: 'tabular' };

/**
 * The tabular files of one worker: each file is read (decoded, dialect and header found, rows staged)
 * when it is added, and the values' dialect, the row rules, the quarantine and the load run once per
 * group of files at `flush`. A file of a few hundred rows then costs one statement instead of a dozen.
 */
export class TabularBatch implements LoadBatch {
  readonly #db: Warehouse;
  #groups = new Map<string, Group>();
  #waiting: Waiting[] = [];
  #key: SecretKey | undefined;
  /** File numbers in the batch, never reused: a rejected file's number would meet its leftovers. */
  #files = 0;

  constructor(db: Warehouse) {
    this.#db = db;
  }

  async #group(type: TabularType, format: Expectation, profile: Profile, gemeente: string): Promise<Group> {
    const key = JSON.stringify([type, format, gemeente, profile.columnAliases, profile.codeMaps]);
    let group = this.#groups.get(key);
    if (!group) {
      // Unique on the connection: a file loaded on its own (a batch of one) may come between.
      group = { table: `tab_batch_${++tableCount}`, type, format, profile, gemeente };
      await this.#db.run(
        `create or replace temp table ${group.table} (file integer, line integer, ${columnSpecs[type]
          .map((c) => `${c.name} varchar`)
          .join(', ')})`,
      );
      this.#groups.set(key, group);
    }
    return group;
  }

  async add(file: DeliveredFile, ctx: LoadContext): Promise<LoadOutcome | null> {
    if (file.type !== 'uitkomsten' && file.type !== 'clientbestand') {
      throw new Error(`not a tabular file type: ${file.type}`);
    }
    const type: TabularType = file.type;
    this.#key = ctx.key;
    const profile = profileFor(file.gemeente, ctx.profile);
    const expect = expectationFor(profile, type);
    // The first bytes say what the file is; only a workbook is read whole (a CSV is streamed).
    const head = readHead(file.path);
    if (head.length === 0) return rejected('leeg bestand: er staat niets in');
    const container = sniffContainer(head, file.name);
    if (typeof container === 'object') return rejected(container.refused);
    const ref: FileRef = {
      db: this.#db,
      deliveryId: file.deliveryId,
      gemeente: file.gemeente.cbsCode,
      fileName: file.name,
    };
    const group = await this.#group(type, expect, profile, ref.gemeente);
    const target = { table: group.table, file: this.#files++ };
    let staged: Staged;
    if (container === 'xlsx') {
      const bomb = await workbookOverLimits(readFileSync(file.path), ctx.limits);
      if (bomb) return rejected(bomb);
      staged = await readXlsx(ref, target, file.path, expect, type, profile);
    } else {
      staged = await readCsv(ref, target, file.path, expect, type, profile);
    }
    if (!staged.ok) {
      ctx.log.warn('tabular_file_rejected', {
        gemeente: ref.gemeente,
        file: file.name,
        reason: staged.reason,
        ...(staged.detail ? { detail: staged.detail } : {}),
      });
      return rejected(staged.reason);
    }
    this.#waiting.push({
      file: target.file,
      group,
      delivered: file,
      rowsRead: staged.rowsRead,
      quarantinedBefore: staged.quarantinedBefore,
      dialect: staged.dialect,
    });
    return null;
  }

  async flush(): Promise<Map<string, LoadOutcome>> {
    const outcomes = new Map<string, LoadOutcome>();
    const waiting = this.#waiting;
    const groups = [...this.#groups.values()];
    this.#waiting = [];
    this.#groups = new Map();
    if (waiting.length === 0) {
      if (groups.length > 0) await this.#db.run(groups.map((g) => `drop table ${g.table}`).join('; '));
      return outcomes;
    }
    const db = this.#db;
    await db.run(
      'create or replace temp table tab_batch_files (file integer, delivery_id varchar, gemeente varchar, file_name varchar, file_date varchar)',
    );
    await db.appendRows(
      'tab_batch_files',
      waiting.map((w) => [
        w.file,
        w.delivered.deliveryId,
        w.delivered.gemeente.cbsCode,
        w.delivered.name,
        w.delivered.fileDate,
      ]),
    );
    for (const group of groups) {
      let files = waiting.filter((w) => w.group === group);
      if (files.length === 0) continue;
      const decimals = await decideDecimals(
        db,
        group.table,
        files.map((w) => w.file),
        group.type,
        group.format.decimal,
      );
      for (const w of files) {
        const d = decimals.get(w.file)!;
        if (!('reject' in d)) continue;
        // Rejected whole: none of its rows stays, not even the lines quarantined while reading.
        await db.run(`delete from ${group.table} where file = ${w.file}`);
        await db.run('delete from meta.quarantine where delivery_id = $1', [w.delivered.deliveryId]);
        outcomes.set(w.delivered.deliveryId, rejected(d.reject));
      }
      files = files.filter((w) => !('reject' in decimals.get(w.file)!));
      if (files.length === 0) continue;
      await db.run('create or replace temp table tab_file_decimals (file integer, decimaal varchar)');
      await db.appendRows(
        'tab_file_decimals',
        files.map((w) => {
          const d = decimals.get(w.file) as { mark: string };
          return [w.file, d.mark];
        }),
      );
      await checkRows(
        db,
        group.table,
        'tab_file_decimals',
        group.gemeente,
        group.type,
        group.format,
        group.profile,
      );
      const dates = await dateFacts(db, group.type, group.format);
      const counts = await storeRows(db, group.type, this.#key!);
      for (const w of files) {
        const d = decimals.get(w.file) as { facts: DialectFact[] };
        const dialect = [...w.dialect, ...d.facts, ...(dates.get(w.file) ?? [])];
        outcomes.set(w.delivered.deliveryId, outcomeOf(w, counts.get(w.file), dialect));
      }
    }
    await db.run(
      ['tab_batch_files', 'tab_file_decimals', ...groups.map((g) => g.table)]
        .map((t) => `drop table if exists ${t}`)
        .join('; '),
    );
    return outcomes;
  }
}

/** A staged file's outcome from the rule counts of its rows (none: every line was unreadable). */
function outcomeOf(w: Waiting, counts: RowCounts | undefined, dialect: DialectFact[]): LoadOutcome {
  const loaded = counts?.loaded ?? 0;
  const quarantined = (counts?.quarantined ?? 0) + w.quarantinedBefore;
  if (loaded + quarantined !== w.rowsRead) {
    throw new Error(
      `reconciliation failed for ${w.delivered.name}: read ${w.rowsRead}, loaded ${loaded}, quarantined ${quarantined}`,
    );
  }
  return {
    result: quarantined === 0 ? 'geladen' : loaded === 0 ? 'afgewezen' : 'deels_afgewezen',
    reason:
      quarantined === 0
        ? null
        : loaded === 0
          ? `alle ${quarantined} rijen afgekeurd; zie de quarantaine voor de redenen`
          : `${quarantined} van ${w.rowsRead} rijen afgekeurd; zie de quarantaine`,
    recordsRead: w.rowsRead,
    recordsLoaded: loaded,
    recordsQuarantined: quarantined,
    recordsSkipped: 0,
    dialect,
  };
}

const tabularBatch = { group: TABULAR, open: (db: Warehouse) => new TabularBatch(db) };

/** Loads one file on its own: a batch of one. The framework batches through `batch`. */
const loadAlone: Loader = async (file, ctx) => {
  const batch = new TabularBatch(ctx.db);
  const now = await batch.add(file, ctx);
  if (now) {
    await batch.flush();
    return now;
  }
  const outcome = (await batch.flush()).get(file.deliveryId);
  if (!outcome) throw new Error(`no outcome for ${file.name}`);
  return outcome;
};

export const loadUitkomsten: Loader = Object.assign(
  async (file: DeliveredFile, ctx: LoadContext) => loadAlone(file, ctx),
  {
    batch: tabularBatch,
  },
);
export const loadClientbestand: Loader = Object.assign(
  async (file: DeliveredFile, ctx: LoadContext) => loadAlone(file, ctx),
  { batch: tabularBatch },
);
