/**
 * Logging: one line per event. Structured JSON when the output is not a terminal (the nightly job under
 * cron or systemd), a short human line when it is. Tests pass `memoryLogger()` and stay silent.
 *
 * Never pass personal data (BSN, names, addresses) or keys as log fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LogRecord extends LogFields {
  level: LogLevel;
  event: string;
  time: string;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function makeLogger(write: (record: LogRecord) => void, minLevel: LogLevel, clock: () => Date): Logger {
  const emit = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (order[level] < order[minLevel]) return;
    write({ time: clock().toISOString(), level, event, ...fields });
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  };
}

function formatHuman(record: LogRecord): string {
  const { time, level, event, ...fields } = record;
  const parts = Object.entries(fields).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const tag = level === 'info' ? '' : `${level.toUpperCase()} `;
  return `${time.slice(11, 19)} ${tag}${event}${parts.length ? `  ${parts.join(' ')}` : ''}`;
}

/** Logger for the CLI: JSON lines on stderr unless stderr is a terminal. */
export function streamLogger(
  options: {
    stream?: NodeJS.WritableStream & { isTTY?: boolean };
    minLevel?: LogLevel;
    json?: boolean;
    clock?: () => Date;
  } = {},
): Logger {
  const stream = options.stream ?? process.stderr;
  const json = options.json ?? !stream.isTTY;
  return makeLogger(
    (r) => stream.write(`${json ? JSON.stringify(r) : formatHuman(r)}\n`),
    options.minLevel ?? 'info',
    options.clock ?? (() => new Date()),
  );
}

/** Logger that keeps its records in memory, for tests. */
export function memoryLogger(clock: () => Date = () => new Date(0)): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = makeLogger((r) => records.push(r), 'debug', clock);
  return Object.assign(logger, { records });
}
