/**
 * Logging: one line per event. Structured JSON when the output is not a terminal (the nightly job under
 * cron or systemd), the live view of ./terminal.ts when it is, plain lines when `RIJM_LOG_FORMAT=text`.
 * Tests pass `memoryLogger()` and stay silent.
 *
 * Never pass personal data (BSN, names, addresses) or keys as log fields.
 */
import { RijmError } from './errors.js';
import { localDateTime } from './time.js';

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

export const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function makeLogger(write: (record: LogRecord) => void, minLevel: LogLevel, clock: () => Date): Logger {
  const emit = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (levelOrder[level] < levelOrder[minLevel]) return;
    write({ time: clock().toISOString(), level, event, ...fields });
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  };
}

/** A field value as a person reads it: strings bare, text from deliveries quoted. */
function fieldText(key: string, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  // Reasons are written for the gemeente, in Dutch: quoted, so they read as what was said, not as RIJM's words.
  return key === 'reason' ? `“${value}”` : value;
}

/** One log record as a line for a person: local time with zone, level unless info, event, fields. */
export function formatHuman(record: LogRecord, time: (date: Date) => string = localDateTime): string {
  const { time: iso, level, event, ...fields } = record;
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${fieldText(k, v)}`);
  const tag = level === 'info' ? '' : `${level.toUpperCase()} `;
  return `${time(new Date(iso))}  ${tag}${event}${parts.length ? `  ${parts.join(' ')}` : ''}`;
}

/**
 * How log lines are written: `json` (one JSON object per line, for cron, systemd and log stores), `text`
 * (one plain line per event, for a log file a person reads), `tty` (the live view of ./terminal.ts).
 */
export type LogFormat = 'json' | 'text' | 'tty';

export const LOG_FORMATS = ['auto', 'json', 'text'] as const;

/**
 * The format from `RIJM_LOG_FORMAT` (`auto`, `json` or `text`); `auto`, the default, is the live view on a
 * terminal and JSON lines elsewhere.
 */
export function logFormatFromEnv(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): LogFormat {
  const value = env.RIJM_LOG_FORMAT?.trim().toLowerCase() || 'auto';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new RijmError(
      `RIJM_LOG_FORMAT: expected one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(env.RIJM_LOG_FORMAT)}`,
    );
  }
  if (value === 'auto') return stream.isTTY ? 'tty' : 'json';
  return value as LogFormat;
}

/** Logger for the CLI: JSON lines on stderr unless stderr is a terminal (then plain lines). */
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

/**
 * A logger that adds `fields` to every record (a run adds its run id, so that every line of the run,
 * file events included, can be joined to it in a log store).
 */
export function withFields(log: Logger, fields: LogFields): Logger {
  return {
    debug: (e, f) => log.debug(e, { ...fields, ...f }),
    info: (e, f) => log.info(e, { ...fields, ...f }),
    warn: (e, f) => log.warn(e, { ...fields, ...f }),
    error: (e, f) => log.error(e, { ...fields, ...f }),
  };
}

/** Logger that keeps its records in memory, for tests. */
export function memoryLogger(clock: () => Date = () => new Date(0)): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = makeLogger((r) => records.push(r), 'debug', clock);
  return Object.assign(logger, { records });
}
