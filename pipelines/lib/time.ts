/**
 * Times for a person: local to the machine's time zone (`TZ`, or the system's), always with the zone,
 * so a line read on another machine or in another season is never an hour off. Machine-readable output
 * (JSON log lines, `--json`) keeps ISO 8601 in UTC.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

function parts(date: Date, timeZone?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** `2026-11-22 02:00:41 CET`: date, time and zone in the local (or the given) time zone. */
export function localDateTime(date: Date, timeZone?: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** `02:00:41 CET`: the time of day with its zone, for lines within one run. */
export function localTime(date: Date, timeZone?: string): string {
  const p = parts(date, timeZone);
  return `${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** `0:42`, `1:05:09`: a duration in whole seconds as minutes:seconds, with hours when there are any. */
export function clockDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
