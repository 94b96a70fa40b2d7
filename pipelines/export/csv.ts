/**
 * CSV in the Dutch Excel convention, so a policy officer can double-click the file: `;` between cells,
 * a decimal comma, UTF-8 with a byte order mark (without it Excel reads the bytes as Windows-1252), and
 * CRLF line ends.
 *
 * A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by Excel (and
 * LibreOffice) as a formula: such a cell is prefixed with `'`, which the spreadsheet shows as text. Only
 * text is neutralised; numbers are written by this module and never start with anything but a digit or a
 * minus sign.
 */

export type CsvCell = string | number | bigint | boolean | null | undefined;

const BOM = '\uFEFF';
const formulaStart = /^[=+\-@\t\r]/;

/** Makes a text cell safe to open in a spreadsheet: a leading formula character gets a `'` before it. */
export function neutraliseCell(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/** A number with a decimal comma and no thousands separator: `0,125`, `-3`, `1234,5`. */
export function formatNumberNl(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) return '';
  // Enough digits for any share or mean we publish, without the float noise of String(0.1 + 0.2).
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  return text.replace('.', ',');
}

function formatCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint') text = formatNumberNl(value);
  else if (typeof value === 'boolean') text = value ? 'ja' : 'nee';
  else text = neutraliseCell(value);
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file as a string: BOM, header, one line per row (CRLF). */
export function toCsvNl(columns: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [columns.map((c) => formatCell(c)).join(';')];
  for (const row of rows) lines.push(row.map(formatCell).join(';'));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
