/**
 * The live view of a run on a terminal: one line per step that updates in place while the step works
 * (for the ingest: files done of total, megabytes, the gemeenten being read and the time left) and stays
 * as a one-line result when the step is done. Warnings and errors get lines of their own, above the live
 * line. Everything else a step logs is left out here; `--debug` shows it, and off a terminal the JSON
 * lines carry all of it.
 *
 * It is a Logger: the run reports through its log events and knows nothing of terminals.
 */
import { gemeenteByCbsCode } from './gemeenten.js';
import {
  formatHuman,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogRecord,
  levelOrder,
} from './log.js';
import { clockDuration, localDateTime, localTime } from './time.js';

export interface TerminalStream {
  write(text: string): unknown;
  columns?: number;
}

export interface TerminalOptions {
  stream: TerminalStream;
  minLevel?: LogLevel;
  clock?: () => Date;
  /** Milliseconds of a steady clock, for redraws and the time left (tests pin it). */
  now?: () => number;
  /** Redraw the live line every this many ms while nothing happens (0: only on events; tests). */
  tickMs?: number;
}

/** A logger that also ends its live line (call it before writing anything else to the terminal). */
export interface TerminalLogger extends Logger {
  close(): void;
}

/** Words for the counts a step reports, for the step lines and the run summary. */
const countWords: Record<string, string> = {
  files: 'files',
  gemeenten: 'gemeenten',
  skippedFiles: 'unchanged',
  rejectedFiles: 'rejected',
  rowsLoaded: 'rows loaded',
  rowsQuarantined: 'rows in quarantine',
  peildatum: 'peildatum',
  models: 'models',
  tests: 'data tests',
  reports: 'reports',
  marts: 'marts',
  csvFiles: 'CSV files',
  researchTables: 'research tables',
  researchClients: 'research clients',
};

/** Fields of a step's record that are not its counts. */
const skipped = new Set([
  'time',
  'level',
  'event',
  'runId',
  'step',
  'index',
  'of',
  'ms',
  'cpuMs',
  'published',
]);

/** `1163 files, 9 rejected, 53322 rows loaded`: a step's counts in words (nested values left out). */
export function describeCounts(counts: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(counts)) {
    if (value === null || typeof value === 'object' || skipped.has(key)) continue;
    if (key === 'pdf') {
      out.push(value ? 'with PDFs' : 'without PDFs');
      continue;
    }
    const word = countWords[key];
    out.push(word === 'peildatum' ? `peildatum ${value}` : `${value} ${word ?? key}`);
  }
  return out.join(', ');
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0);
}

function naam(code: string): string {
  const g = gemeenteByCbsCode(code);
  return g ? `${code} ${g.naam}` : code;
}

interface StepState {
  name: string;
  label: string;
  started: number;
  totalFiles?: number;
  totalBytes?: number;
  files: number;
  bytes: number;
  rejected: number;
  reading: string[];
  models?: number;
  built: number;
  reports?: number;
  rendered: number;
  printing?: number;
  tables: number;
  current?: string;
}

export function terminalLogger(options: TerminalOptions): TerminalLogger {
  const { stream } = options;
  const minLevel = options.minLevel ?? 'info';
  const clock = options.clock ?? (() => new Date());
  const now = options.now ?? (() => performance.now());
  const tickMs = options.tickMs ?? 1000;
  let step: StepState | undefined;
  let live = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let ticker: ReturnType<typeof setInterval> | undefined;

  // A terminal that does not say its width (a pseudo-terminal of size 0, as `script` makes) gets 100.
  const width = () => Math.max(40, (stream.columns || 100) - 1);
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  const line = (text: string) => {
    clear();
    stream.write(`${text}\n`);
  };

  const liveText = (s: StepState): string => {
    const elapsed = now() - s.started;
    // What matters most comes first: a narrow terminal cuts the end of the line.
    const parts = [`  ${s.label}`, clockDuration(elapsed)];
    if (s.name === 'ingest' && s.totalFiles !== undefined) {
      parts.push(`${s.files}/${s.totalFiles} files`);
      parts.push(`${megabytes(s.bytes)}/${megabytes(s.totalBytes ?? 0)} MB`);
      const total = s.totalBytes ?? 0;
      if (s.bytes > 0 && total > s.bytes && elapsed > 2000) {
        parts.push(`about ${clockDuration(((total - s.bytes) * elapsed) / s.bytes)} left`);
      }
      if (s.rejected) parts.push(`${s.rejected} rejected`);
      if (s.reading.length) parts.push(`reading ${s.reading.map(naam).join(', ')}`);
    } else if (s.name === 'build' && s.models !== undefined) {
      parts.push(`${s.built}/${s.models} models`);
      if (s.current) parts.push(s.current);
    } else if (s.name === 'reports' && s.printing !== undefined) {
      parts.push(`printing ${s.printing} PDFs`);
    } else if (s.name === 'reports' && s.reports !== undefined) {
      parts.push(`${s.rendered}/${s.reports} reports`);
      if (s.current) parts.push(naam(s.current));
    } else if (s.name === 'exports' && s.tables > 0) {
      parts.push(`${s.tables} tables`);
      if (s.current) parts.push(s.current);
    }
    const text = parts.join('  ');
    return text.length > width() ? `${text.slice(0, width() - 1)}…` : text;
  };

  const draw = (force = false) => {
    if (!step) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    stream.write(`\r\x1b[2K${liveText(step)}`);
    live = true;
  };

  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  const message = (r: LogRecord): string => {
    const { time, level, event, runId: _r, message: text, ...fields } = r;
    const rest = Object.entries(fields).map(([k, v]) =>
      typeof v === 'string' ? `${k}=${k === 'reason' ? `“${v}”` : v}` : `${k}=${JSON.stringify(v)}`,
    );
    const tag = level === 'error' ? 'ERROR' : 'WARN ';
    const head = `${localTime(new Date(time))}  ${tag} ${event}${text ? `: ${String(text)}` : ''}`;
    return rest.length ? `${head}  ${rest.join(' ')}` : head;
  };

  /** Follows the run's progress events; true when the record was one (and is not printed as a line). */
  const follow = (r: LogRecord): boolean => {
    const f = r as LogRecord & Record<string, unknown>;
    switch (r.event) {
      case 'run_start':
        line(`Run ${String(f.runId)} started ${localDateTime(new Date(r.time))}`);
        return true;
      case 'step_start': {
        stopTicker();
        const index = typeof f.index === 'number' ? `[${f.index}/${f.of}] ` : '';
        step = {
          name: String(f.step),
          label: `${index}${String(f.step)}`,
          started: now(),
          files: 0,
          bytes: 0,
          rejected: 0,
          reading: [],
          built: 0,
          rendered: 0,
          tables: 0,
        };
        draw(true);
        if (tickMs > 0) {
          ticker = setInterval(() => draw(true), tickMs);
          ticker.unref?.();
        }
        return true;
      }
      case 'step_done': {
        stopTicker();
        const label = step?.label ?? String(f.step);
        const seconds = `${(Number(f.ms) / 1000).toFixed(1)} s`;
        const counts = describeCounts(f);
        line(`✓ ${label.padEnd(14)} ${seconds.padStart(8)}${counts ? `  ${counts}` : ''}`);
        step = undefined;
        return true;
      }
      case 'step_failed': {
        stopTicker();
        const label = step?.label ?? String(f.step);
        const seconds = step ? ` after ${((now() - step.started) / 1000).toFixed(1)} s` : '';
        line(`✗ ${label} failed${seconds}: ${String(f.error)}`);
        step = undefined;
        return true;
      }
      case 'run_end':
        stopTicker();
        clear();
        return true;
      case 'run_refused':
      case 'run_refused_busy':
        // The command line says why, once, as it says every error.
        return true;
    }
    if (!step) return false;
    switch (r.event) {
      case 'ingest_start':
        step.totalFiles = Number(f.files);
        step.totalBytes = Number(f.bytes);
        break;
      case 'gemeente_start':
        step.reading.push(String(f.gemeente));
        break;
      case 'gemeente_done':
        step.reading = step.reading.filter((g) => g !== f.gemeente);
        break;
      case 'file_ingested':
      case 'file_skipped':
        step.files++;
        step.bytes += Number(f.bytes ?? 0);
        if (f.result === 'afgewezen') step.rejected++;
        break;
      case 'build_start':
        step.models = Number(f.models);
        break;
      case 'model_built':
        step.built++;
        step.current = String(f.model);
        break;
      case 'report.start':
        step.reports = Number(f.reports);
        break;
      case 'report.rendered':
        step.rendered++;
        step.current = String(f.gemeente);
        break;
      case 'report.pdfs_start':
        step.printing = Number(f.reports);
        break;
      case 'export_table':
        step.tables++;
        step.current = String(f.table);
        break;
      default:
        // Any other info event inside a step is detail the live line stands for (shown with --debug);
        // warnings and errors get their line.
        return r.level === 'info' && minLevel !== 'debug';
    }
    return true;
  };

  const emit = (level: LogLevel, event: string, fields: LogFields = {}) => {
    const record: LogRecord = { time: clock().toISOString(), level, event, ...fields };
    if (follow(record)) {
      draw();
      return;
    }
    if (levelOrder[level] < levelOrder[minLevel]) return;
    line(level === 'warn' || level === 'error' ? message(record) : formatHuman(record, localTime));
    draw(true);
  };

  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    close() {
      stopTicker();
      clear();
    },
  };
}
