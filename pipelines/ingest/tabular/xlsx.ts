/**
 * XLSX → the batch's staging table, in one direction: sheets → header → rows, through exceljs's streaming
 * reader (the workbook is never held in memory whole). The sheet is the profile's, or the first whose
 * first rows hold the header; title rows above the header are skipped, and a header on another row than
 * the profile's is a departure it records. Cells become text the row rules read as they read CSV: date cells in
 * the profile's first date format, numbers in its decimal style, and numbers that lost their leading
 * zeros (a BSN, an AGB code, a two-digit code) padded again.
 */
import ExcelJS from 'exceljs';
import type { Profile, TabularFormat } from '../../../schemas/profile.js';
import { type ColumnSpec, columnSpecs, padsToTwoDigits, type TabularType } from './columns.js';
import { type Expectation, headerFact } from './dialect.js';
import { findHeader, HEADER_SEARCH_ROWS, searchedWhere } from './header.js';
import type { FileRef, Staged, StageTarget } from './stage.js';

interface SheetRow {
  number: number;
  values: unknown[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A date cell in the first of the profile's date formats, so the rules read it like a text date. */
export function formatDateCell(date: Date, format: TabularFormat['dateFormats'][number]): string {
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  switch (format) {
    case 'dd-mm-jjjj':
      return `${pad(d)}-${pad(m)}-${y}`;
    case 'd-m-jjjj':
      return `${d}-${m}-${y}`;
    case 'dd/mm/jjjj':
      return `${pad(d)}/${pad(m)}/${y}`;
    case 'jjjj-mm-dd':
      return `${y}-${pad(m)}-${pad(d)}`;
  }
}

/** The plain value of a cell: rich text, formulas and hyperlinks unwrapped. */
function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((t) => t.text).join('');
  if ('result' in v) return plainValue(v.result);
  if ('formula' in v || 'sharedFormula' in v) return null;
  if (typeof v.text === 'string') return v.text;
  if (typeof v.error === 'string') return v.error;
  return null;
}

function numberText(n: number, spec: ColumnSpec | undefined, format: TabularFormat): string {
  if (spec?.check.kind === 'amount') {
    const cents = Math.round(n * 100);
    const text = Math.abs(n * 100 - cents) < 1e-6 ? (cents / 100).toFixed(2) : String(n);
    return format.decimal === 'comma' ? text.replace('.', ',') : text;
  }
  if (Number.isInteger(n) && n >= 0) {
    if (spec?.name === 'bsn' && n < 1e9) return String(n).padStart(9, '0');
    if (spec?.name === 'aanbieder_agb' && n < 1e8) return String(n).padStart(8, '0');
    if (spec && padsToTwoDigits(spec) && n < 10) return pad(n);
  }
  return String(n);
}

/** The text of a cell as the row rules read it. */
export function cellText(value: unknown, spec: ColumnSpec | undefined, format: TabularFormat): string | null {
  const v = plainValue(value);
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    return Number.isNaN(v.getTime()) ? null : formatDateCell(v, format.dateFormats[0] ?? 'jjjj-mm-dd');
  }
  if (typeof v === 'number') return numberText(v, spec, format);
  return String(v);
}

function isBlank(values: unknown[]): boolean {
  return values.every((v) => {
    const p = plainValue(v);
    return p === null || (typeof p === 'string' && p.trim() === '');
  });
}

type SheetSource = AsyncIterable<unknown>;

/** Sheets from exceljs's streaming reader: rows are read as they are needed. */
function streamedSheets(path: string): SheetSource {
  return new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
}

/** Sheets from a workbook read whole, with the same shape as the streaming reader's. */
async function* loadedSheets(path: string): AsyncGenerator<unknown> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  for (const sheet of workbook.worksheets) {
    const rows = async function* () {
      for (let i = 1; i <= sheet.rowCount; i++) {
        const row = sheet.getRow(i);
        yield { number: row.number, values: row.values };
      }
    };
    yield Object.assign(rows(), { name: sheet.name });
  }
}

/**
 * The streaming reader cannot read every valid workbook: when a worksheet part comes before the workbook
 * part in the zip, after the shared strings, it fails with a TypeError inside exceljs. Such a workbook is
 * read whole instead, when it is small enough to (its zip limits were checked before).
 */
const WHOLE_READ_MAX_BYTES = 64 * 1024 * 1024;

export async function readXlsx(
  ref: FileRef,
  target: StageTarget,
  path: string,
  expect: Expectation,
  type: TabularType,
  profile: Profile,
): Promise<Staged> {
  const staged = await readSheets(ref, target, streamedSheets(path), expect, type, profile);
  if (staged.ok || !/reading '|is not a function|undefined/.test(staged.detail ?? '')) return staged;
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
  if (size > WHOLE_READ_MAX_BYTES) return staged;
  return readSheets(ref, target, loadedSheets(path), expect, type, profile);
}

/**
 * The sheets in order: the profile's sheet (others are passed by), or the first whose first rows hold
 * the header. Its rows go to the batch's table as they are read; a workbook that fails halfway leaves
 * none of its rows there.
 */
async function readSheets(
  ref: FileRef,
  target: StageTarget,
  reader: SheetSource,
  expect: Expectation,
  type: TabularType,
  profile: Profile,
): Promise<Staged> {
  const specs = columnSpecs[type];
  const tried: string[] = [];
  let sheetsSeen = 0;
  let appending = false;
  try {
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name?: string }).name ?? '';
      const rows = (sheet as AsyncIterable<{ number: number; values: unknown }>)[Symbol.asyncIterator]();
      if (expect.sheet !== undefined && name !== expect.sheet) {
        while (!(await rows.next()).done) {}
        continue;
      }
      sheetsSeen++;
      // The first 20 rows that are not blank, and on to the profile's header row when it lies further.
      const head: SheetRow[] = [];
      for (;;) {
        if (
          head.length >= HEADER_SEARCH_ROWS &&
          (expect.headerRow === undefined || head[head.length - 1]!.number >= expect.headerRow)
        ) {
          break;
        }
        const next = await rows.next();
        if (next.done) break;
        const values = (next.value.values as unknown[]).slice(1);
        if (isBlank(values)) continue;
        head.push({ number: next.value.number, values });
      }
      const search = findHeader(
        head.map((r) => r.values.map((v) => cellText(v, undefined, expect) ?? '')),
        head.map((r) => r.number),
        type,
        profile,
        expect.headerRow,
      );
      if (search.index === undefined) {
        if (head.length > 0) tried.push(`werkblad '${name}' mist ${search.match.missing.join(', ')}`);
        while (!(await rows.next()).done) {}
        continue;
      }
      const positions = search.match.positions;
      const columns = specs.map((spec) => ({ spec, at: positions.get(spec.name) }));
      const toRow = (r: SheetRow): unknown[] => [
        target.file,
        r.number,
        ...columns.map(({ spec, at }) => (at === undefined ? null : cellText(r.values[at], spec, expect))),
      ];
      let read = 0;
      async function* dataRows(): AsyncGenerator<unknown[]> {
        for (const r of head.slice(search.index! + 1)) {
          read++;
          yield toRow(r);
        }
        for (;;) {
          const next = await rows.next();
          if (next.done) return;
          const values = (next.value.values as unknown[]).slice(1);
          if (isBlank(values)) continue;
          read++;
          yield toRow({ number: next.value.number, values });
        }
      }
      appending = true;
      await ref.db.appendRows(target.table, dataRows());
      const headerRowNumber = head[search.index]!.number;
      if (read === 0) {
        return { ok: false, reason: `alleen een kopregel (rij ${headerRowNumber}), geen gegevensrijen` };
      }
      return {
        ok: true,
        rowsRead: read,
        quarantinedBefore: 0,
        dialect: [headerFact(headerRowNumber, expect.headerRow, 'rij')],
      };
    }
  } catch (error) {
    if (appending) await ref.db.run(`delete from ${target.table} where file = ${target.file}`);
    return {
      ok: false,
      reason: 'geen leesbaar Excel-bestand (.xlsx): het werkboek kan niet geopend worden',
      detail: (error as Error).message,
    };
  }
  if (expect.sheet !== undefined && sheetsSeen === 0) {
    return {
      ok: false,
      reason: `werkblad '${expect.sheet}' (volgens het profiel) ontbreekt in het werkboek`,
    };
  }
  if (tried.length === 0) return { ok: false, reason: 'het werkboek heeft geen werkblad met gegevens' };
  return {
    ok: false,
    reason: `geen ${type}-bestand: verplichte kolommen ontbreken ${searchedWhere(expect.headerRow, 'rij')} van elk werkblad; geprobeerd: ${tried.join('; ')}`,
  };
}
