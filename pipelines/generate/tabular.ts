/**
 * Tabular exports (uitkomsten, clientbestand) in a municipality's dialect: header spellings, local codes,
 * date and decimal formats, delimiter, quoting, line ends and encoding for CSV; title rows and real date
 * cells for XLSX. Values come in standard form ('YYYY-MM-DD' dates, euros with a point) and leave as that
 * municipality would write them.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Dialect } from './dialects.js';

/** One data row in standard form; `raw` columns are written as they are (planted faults). */
export interface Row {
  values: Record<string, string>;
  raw?: Set<string>;
}

export const DATE_COLUMNS = new Set([
  'einddatum',
  'meetdatum',
  'geboortedatum',
  'toewijzingsdatum',
  'ingangsdatum',
  'start_zorg',
  'einde_zorg',
]);

/** Formats a 'YYYY-MM-DD' date in one of the profile date formats. */
export function formatDate(date: string, format: Dialect['dateFormat']): string {
  const [y, m, d] = date.split('-') as [string, string, string];
  switch (format) {
    case 'dd-mm-jjjj':
      return `${d}-${m}-${y}`;
    case 'd-m-jjjj':
      return `${Number(d)}-${Number(m)}-${y}`;
    case 'dd/mm/jjjj':
      return `${d}/${m}/${y}`;
    default:
      return date;
  }
}

/** Formats euros ('1234.5') with a decimal comma and `.` thousands, or a plain point. */
export function formatAmount(euros: string, decimal: Dialect['decimal']): string {
  const [int, frac = ''] = Number(euros).toFixed(2).split('.') as [string, string?];
  if (decimal === 'point') return `${int}.${frac}`;
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
}

function cell(d: Dialect, column: string, row: Row): string {
  const v = row.values[column] ?? '';
  if (v === '' || row.raw?.has(column)) return v;
  if (DATE_COLUMNS.has(column)) return formatDate(v, d.dateFormat);
  if (column === 'budget') return formatAmount(v, d.decimal);
  return d.codes[column]?.[v] ?? v;
}

export function headerOf(d: Dialect, columns: readonly string[]): string[] {
  return columns.map((c) => (c === 'opmerking' ? (d.opmerking ?? c) : (d.headers[c] ?? c)));
}

function quote(value: string, d: Dialect): string {
  return /["\r\n;,\t]/.test(value) && (value.includes(d.delimiter) || /["\r\n]/.test(value))
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

export interface RenderedCsv {
  bytes: Buffer;
  /** Per data row, the 1-based physical line it starts on (the header is line 1). */
  lines: number[];
}

/** Renders a CSV in the dialect; `header` overrides the column names (a misspelt header fault). */
export function renderCsv(
  d: Dialect,
  columns: readonly string[],
  rows: readonly Row[],
  header?: string[],
): RenderedCsv {
  const lines: number[] = [];
  const out: string[] = [(header ?? headerOf(d, columns)).map((h) => quote(h, d)).join(d.delimiter)];
  let line = 2;
  for (const row of rows) {
    lines.push(line);
    const text = columns.map((c) => quote(cell(d, c, row), d)).join(d.delimiter);
    line += 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
    out.push(text.replace(/\r\n|\r|\n/g, d.lineEnd));
  }
  const text = `${out.join(d.lineEnd)}${d.lineEnd}`;
  let bytes: Buffer;
  if (d.encoding === 'windows-1252') bytes = iconv.encode(text, 'win1252');
  else if (d.encoding === 'utf-16le')
    bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]);
  else if (d.encoding === 'utf-8-bom')
    bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  else bytes = Buffer.from(text, 'utf8');
  return { bytes, lines };
}

/**
 * Renders an XLSX: a few title rows above the header when the dialect has them, dates as real date
 * cells (unless planted raw), amounts as numbers. Returns the workbook bytes and each row's sheet row.
 */
export async function renderXlsx(
  d: Dialect,
  title: string,
  columns: readonly string[],
  rows: readonly Row[],
  created: Date,
  header?: string[],
): Promise<RenderedCsv> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Gemeente ${d.naam}`;
  wb.created = created;
  wb.modified = created;
  const ws = wb.addWorksheet('Export');
  if (d.titleRows > 0) {
    ws.addRow([title]);
    for (let i = 1; i < d.titleRows; i++) ws.addRow(i === 1 ? [`Gemeente ${d.naam}`] : []);
  }
  ws.addRow(header ?? headerOf(d, columns));
  const lines: number[] = [];
  for (const row of rows) {
    const values = columns.map((c) => {
      const v = row.values[c] ?? '';
      if (v === '' || row.raw?.has(c)) return v;
      if (DATE_COLUMNS.has(c)) return new Date(`${v}T00:00:00Z`);
      if (c === 'budget' || c === 'tevredenheid' || c === 'volume') return Number(v);
      return d.codes[c]?.[v] ?? v;
    });
    const added = ws.addRow(values);
    lines.push(added.number);
  }
  columns.forEach((c, i) => {
    if (DATE_COLUMNS.has(c)) ws.getColumn(i + 1).numFmt = 'dd-mm-yyyy';
  });
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { bytes: buffer, lines };
}
