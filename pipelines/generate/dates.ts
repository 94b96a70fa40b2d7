/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings in UTC, so the generated dates never depend on the
 * machine's time zone.
 */

const DAY = 86_400_000;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
}

/** The 'YYYY-MM-DD' date of a day number. */
export function fromDayNumber(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** First day of the month of `date`. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** Last day of the month of `date`. */
export function monthEnd(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return fromDayNumber(
    dayNumber(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01`) - 1,
  );
}

/** 'YYYYMMDD' for file names. */
export function compact(date: string): string {
  return date.replaceAll('-', '');
}

/** A UTC Date at noon of `date`: file mtimes and zip entry times, away from any day boundary. */
export function noonUtc(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}
