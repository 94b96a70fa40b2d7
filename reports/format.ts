/**
 * Dutch formatting of numbers, shares, amounts, dates and periods, for text, tables and chart axes.
 *
 * Formatted by hand rather than through `Intl`: a Node built with small ICU has no nl-NL data and would
 * silently fall back to English (`1,234.5`), which must never reach a council member.
 */

const MAANDEN = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
] as const;

/** `1234.5` → `1.234,5` (with `decimals` digits after the comma; `-0` shown as `0`). */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '-' : ''}${grouped}${fraction ? `,${fraction}` : ''}`;
}

/** A fraction 0–1 as a percentage: `0.125` → `12,5%`. */
export function formatPercent(fraction: number, decimals = 1): string {
  return `${formatNumber(fraction * 100, decimals)}%`;
}

/** Euros, whole: `1234.4` → `€ 1.234`. */
export function formatEuro(value: number): string {
  return `€ ${formatNumber(value, 0)}`;
}

function parseIsoDate(iso: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`Expected a date YYYY-MM-DD, got: ${iso}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** `2025-01-15` → `15 januari 2025`. */
export function formatDate(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  return `${day} ${MAANDEN[month - 1]} ${year}`;
}

/** `2025-01-15` → `januari 2025`. */
export function formatMonth(iso: string): string {
  const { year, month } = parseIsoDate(iso);
  return `${MAANDEN[month - 1]} ${year}`;
}

/** A moment in the local time zone: `22 november 2026, 14:05`. */
export function formatDateTime(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${moment.getDate()} ${MAANDEN[moment.getMonth()]} ${moment.getFullYear()}, ${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

/** `2024-H1` → `1e halfjaar 2024`, `2024` → `2024`; anything else unchanged. */
export function formatPeriode(periode: string): string {
  const m = /^(\d{4})-H([12])$/.exec(periode);
  return m ? `${m[2]}e halfjaar ${m[1]}` : periode;
}

/** Short form for chart axes: `2024-H1` → `1e hj 2024`. */
export function formatPeriodeKort(periode: string): string {
  const m = /^(\d{4})-H([12])$/.exec(periode);
  return m ? `${m[2]}e hj ${m[1]}` : periode;
}

/** Days as text: `1` → `1 dag`, `400` → `400 dagen`. */
export function formatDagen(days: number): string {
  const rounded = Math.round(days);
  return `${formatNumber(rounded)} ${rounded === 1 ? 'dag' : 'dagen'}`;
}
