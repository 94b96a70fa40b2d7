/**
 * The run journal, `runs.jsonl` in the data directory: the history of every run, whatever became of it.
 * The warehouse's meta.runs only knows the runs that were published; a failed run's warehouse is thrown
 * away, and a killed run writes nothing at the end. So each run appends a line when it starts, one when
 * it starts a step, and one when it ends; a run refused by the lock appends its refusal. A run that has
 * a start and no end, and holds no lock, was interrupted: the next run says so in its log and appends the
 * end for it (`interrupted`, with the step it was in).
 *
 * Lines are appended whole (one `write` with O_APPEND), so runs that write at the same moment never mix
 * their lines; a line cut short by a crash is skipped when reading.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DataLayout } from '../lib/paths.js';

export type JournalStatus = 'running' | 'ok' | 'rejected' | 'failed' | 'busy' | 'interrupted';

/** One line as written. `event` is absent in the lines of release 0.1.0, which wrote only the end. */
export interface JournalLine {
  run_id: string;
  event?: 'start' | 'step' | 'end';
  command?: string;
  pid?: number;
  started_at?: string;
  ended_at?: string | null;
  status?: JournalStatus;
  /** The step a `step` line starts. */
  step?: string;
  at?: string;
  exit_code?: number;
  peildatum?: string | null;
  failed_step?: string | null;
  error?: string | null;
  files?: number;
  rejected_files?: number;
  rows_loaded?: number;
  rows_quarantined?: number;
  overdue?: string[];
  release?: string;
}

/** A run as the journal tells it, its lines folded together. */
export interface JournalRun {
  run_id: string;
  command: string;
  pid: number | null;
  started_at: string;
  ended_at: string | null;
  status: JournalStatus;
  exit_code: number | null;
  /** The last step the run started. */
  step: string | null;
  peildatum: string | null;
  failed_step: string | null;
  error: string | null;
  files: number;
  rejected_files: number;
  rows_loaded: number;
  rows_quarantined: number;
  overdue: string[];
  release: string | null;
}

export function journalPath(layout: DataLayout): string {
  return join(layout.root, 'runs.jsonl');
}

/**
 * Appends one line; `sync` flushes it to disk (the start of a run, so that a power cut cannot lose the
 * fact that it began). The journal holds no personal data; it is not readable for others (0640 at most).
 */
export function appendJournal(layout: DataLayout, line: JournalLine, sync = false): void {
  const fd = openSync(journalPath(layout), 'a', 0o640);
  try {
    writeSync(fd, `${JSON.stringify(line)}\n`);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every run in the journal, folded per run id, oldest first. */
export function readJournal(layout: DataLayout): JournalRun[] {
  const path = journalPath(layout);
  if (!existsSync(path)) return [];
  const runs = new Map<string, JournalRun>();
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch {
      // A line cut short by a crash while appending: the run it described is in no other record either.
      continue;
    }
    if (typeof line.run_id !== 'string') continue;
    const run =
      runs.get(line.run_id) ??
      ({
        run_id: line.run_id,
        command: 'nightly',
        pid: null,
        started_at: line.started_at ?? '',
        ended_at: null,
        status: 'running',
        exit_code: null,
        step: null,
        peildatum: null,
        failed_step: null,
        error: null,
        files: 0,
        rejected_files: 0,
        rows_loaded: 0,
        rows_quarantined: 0,
        overdue: [],
        release: null,
      } satisfies JournalRun);
    runs.set(line.run_id, run);
    if (line.command) run.command = line.command;
    if (typeof line.pid === 'number') run.pid = line.pid;
    if (line.started_at) run.started_at = line.started_at;
    if (line.release) run.release = line.release;
    if (line.event === 'start' || line.event === 'step') {
      if (line.step) run.step = line.step;
      continue;
    }
    // An end line (also the lines of 0.1.0, which have no event).
    run.ended_at = line.ended_at ?? null;
    run.status = line.status ?? 'failed';
    run.exit_code = line.exit_code ?? null;
    run.peildatum = line.peildatum ?? run.peildatum;
    run.failed_step = line.failed_step ?? null;
    run.error = line.error ?? null;
    run.files = line.files ?? 0;
    run.rejected_files = line.rejected_files ?? 0;
    run.rows_loaded = line.rows_loaded ?? 0;
    run.rows_quarantined = line.rows_quarantined ?? 0;
    run.overdue = line.overdue ?? [];
  }
  return [...runs.values()].sort((a, b) => a.started_at.localeCompare(b.started_at));
}

/** Runs that started and never ended (not counting `except`, the run asking). */
export function unfinishedRuns(layout: DataLayout, except?: string): JournalRun[] {
  return readJournal(layout).filter((r) => r.status === 'running' && r.run_id !== except);
}
