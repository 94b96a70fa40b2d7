/**
 * The loaders of the municipalities' own exports, `uitkomsten` and `clientbestand` (delivery.md §3.2–3.4):
 * CSV or XLSX, read as the gemeente's profile says, checked row by row in bulk SQL, pseudonymised into
 * raw.<type>, faulty rows in meta.quarantine. Rows read = loaded + quarantined, for every file.
 */
import { readFileSync } from 'node:fs';
import yauzl from 'yauzl';
import type { Limits, Loader, LoadOutcome } from '../types.js';
import type { TabularType } from './columns.js';
import { stageCsv } from './csv.js';
import { decodeText } from './decode.js';
import { formatFor, profileFor } from './header.js';
import { checkRows, storeRows } from './rules.js';
import type { FileRef, Staged } from './stage.js';
import { stageXlsx } from './xlsx.js';

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

/** The loader of one tabular file type. */
export function tabularLoader(type: TabularType): Loader {
  return async (file, ctx) => {
    const profile = profileFor(file.gemeente, ctx.profile);
    const format = formatFor(profile, type);
    const bytes = readFileSync(file.path);
    if (bytes.length === 0) return rejected('leeg bestand: er staat niets in');
    const ref: FileRef = {
      db: ctx.db,
      deliveryId: file.deliveryId,
      gemeente: file.gemeente.cbsCode,
      fileName: file.name,
    };
    const container = sniffContainer(bytes, file.name);
    let staged: Staged;
    if (container === 'xlsx') {
      const bomb = await workbookOverLimits(bytes, ctx.limits);
      if (bomb) return rejected(bomb);
      staged = await stageXlsx(ref, file.path, format, type, profile);
    } else if (container === 'csv') {
      const decoded = decodeText(bytes, format.encoding);
      if (!decoded.ok) return rejected(decoded.reason);
      if (decoded.text.trim() === '') return rejected('leeg bestand: er staat niets in');
      staged = await stageCsv(ref, decoded.text, format, type, profile);
    } else {
      return rejected(container.refused);
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
    await checkRows(ref, type, format, profile);
    const counts = await storeRows(ref, type, ctx.key, file.fileDate);
    await ctx.db.run(
      container === 'xlsx'
        ? 'drop table tab_checked; drop table tab_rows'
        : 'drop table tab_checked; drop view tab_rows; drop table tab_csv; drop table if exists tab_lines',
    );
    const quarantined = counts.quarantined + staged.quarantinedBefore;
    const loaded = counts.loaded;
    if (loaded + quarantined !== staged.rowsRead) {
      throw new Error(
        `reconciliation failed for ${file.name}: read ${staged.rowsRead}, loaded ${loaded}, quarantined ${quarantined}`,
      );
    }
    return {
      result: quarantined === 0 ? 'geladen' : loaded === 0 ? 'afgewezen' : 'deels_afgewezen',
      reason:
        quarantined === 0
          ? null
          : loaded === 0
            ? `alle ${quarantined} rijen afgekeurd; zie de quarantaine voor de redenen`
            : `${quarantined} van ${staged.rowsRead} rijen afgekeurd; zie de quarantaine`,
      recordsRead: staged.rowsRead,
      recordsLoaded: loaded,
      recordsQuarantined: quarantined,
      recordsSkipped: 0,
    };
  };
}

export const loadUitkomsten: Loader = tabularLoader('uitkomsten');
export const loadClientbestand: Loader = tabularLoader('clientbestand');
