/**
 * What an operator relies on around the steps of a run: the journal (also of runs that were refused or
 * never ended), the run id on every log line, the overdue gemeenten in the summary, and the private
 * folders. In-process with the fake steps; the lock's own behaviour is in lock.test.ts.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveFile } from '../../pipelines/ingest/archive.js';
import { ExitCode } from '../../pipelines/lib/errors.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { appendJournal, readJournal } from '../../pipelines/nightly/journal.js';
import { acquireLock, LockBusyError } from '../../pipelines/nightly/lock.js';
import { formatSummary, runNightly } from '../../pipelines/nightly/run.js';
import { fakeSteps } from './fixtures/fake-steps.mjs';
import { baseFiles, clock, makeRegion, options, quietContext } from './helpers.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('around the steps of a run', () => {
  const umask = process.umask();
  afterEach(() => {
    process.umask(umask);
  });

  it('journals its start and steps, and the next run reports a run that never ended as interrupted', async () => {
    const region = makeRegion(baseFiles);
    const layout = dataLayout(region.dataDir);
    mkdirSync(layout.root, { recursive: true });
    // Four runs killed in a row (a start and a step, no end), then one that finishes.
    for (const [i, step] of ['discover', 'ingest', 'build', 'publish'].entries()) {
      const runId = `2026111${i}T010000Z-dead0${i}`;
      appendJournal(layout, { run_id: runId, event: 'start', started_at: `2026-11-1${i}T01:00:00.000Z` });
      appendJournal(layout, { run_id: runId, event: 'step', step });
    }
    const log = memoryLogger(clock);
    const result = await runNightly(options(region), { ...quietContext(), log, steps: fakeSteps() });
    expect(result.exitCode).toBe(0);
    expect(result.interrupted.map((r) => r.step)).toEqual(['discover', 'ingest', 'build', 'publish']);
    expect(log.records.filter((r) => r.event === 'run_interrupted')).toHaveLength(4);
    expect(formatSummary(result)).toContain(
      'Run 20261113T010000Z-dead03 did not finish (interrupted during step publish); this run took over.',
    );
    const journal = readJournal(layout);
    expect(journal.map((j) => [j.status, j.failed_step])).toEqual([
      ['interrupted', 'discover'],
      ['interrupted', 'ingest'],
      ['interrupted', 'build'],
      ['interrupted', 'publish'],
      ['ok', null],
    ]);
    expect(journal.at(-1)).toMatchObject({ run_id: result.runId, step: 'publish', exit_code: 0 });
  });

  it('puts its run id on every log line, the ingest’s file events too', async () => {
    const region = makeRegion(baseFiles);
    const log = memoryLogger(clock);
    const result = await runNightly(options(region), { ...quietContext(), log, steps: fakeSteps() });
    expect(log.records.length).toBeGreaterThan(10);
    for (const r of log.records) expect(r.runId, r.event).toBe(result.runId);
  });

  it('lists the gemeenten that are overdue in the summary and the journal', async () => {
    const region = makeRegion(baseFiles);
    const result = await runNightly(
      { ...options(region), rhythm: () => 31 },
      { ...quietContext(), steps: fakeSteps() },
    );
    // Only GM0193 and GM0150 delivered (today); the other nine never did.
    expect(result.overdue.map((d) => d.gemeente)).toHaveLength(9);
    const summary = formatSummary(result);
    expect(summary).toContain(
      'Overdue (nothing delivered for longer than their rhythm; ask them to deliver):',
    );
    expect(summary).toContain('  GM0148 Dalfsen: never delivered (rhythm 31 days)');
    expect(summary).not.toContain('GM0193 Zwolle: ');
    expect(readJournal(dataLayout(region.dataDir)).at(-1)?.overdue).toHaveLength(9);
  });

  it('refuses to start with exit code 4 while another run holds the lock, and journals the refusal', async () => {
    const region = makeRegion(baseFiles);
    const layout = dataLayout(region.dataDir);
    mkdirSync(layout.root, { recursive: true });
    const holder = await acquireLock(layout.lockFile, {
      owner: {
        pid: process.pid,
        runId: 'busy-run',
        startedAt: '2026-11-22T00:59:00.000Z',
        command: 'nightly',
      },
      log: memoryLogger(),
    });
    try {
      const refused = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() }).catch(
        (e) => e,
      );
      expect(refused).toBeInstanceOf(LockBusyError);
      expect(refused.exitCode).toBe(ExitCode.busy);
    } finally {
      holder.release();
    }
    expect(readJournal(layout)).toMatchObject([
      { status: 'busy', exit_code: 4, error: expect.stringContaining('busy-run') },
    ]);
  });

  it('makes archive/, warehouse/ and work/ 0700 and the lock 0600 whatever the umask', async () => {
    process.umask(0);
    const region = makeRegion(baseFiles);
    const layout = dataLayout(region.dataDir);
    const result = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    expect(result.exitCode).toBe(0);
    for (const dir of [layout.archive, layout.warehouseDir, layout.work]) expect(mode(dir), dir).toBe(0o700);
    expect(mode(layout.warehouse)).toBe(0o600);
    expect(mode(`${layout.lockFile}.duckdb`)).toBe(0o600);
    // The journal is never open to others; the publication keeps the mode the umask gives it.
    expect(mode(join(layout.root, 'runs.jsonl'))).toBe(0o640);
    expect(mode(join(layout.published, 'rijm.duckdb'))).toBe(0o666);

    const inbox = join(region.root, 'delivered.csv');
    writeFileSync(inbox, 'bsn;waarde\n');
    chmodSync(inbox, 0o644);
    const archived = await archiveFile(layout.archive, inbox, 'ab'.repeat(32));
    expect(mode(archived)).toBe(0o600);
    expect(mode(join(layout.archive, 'ab'))).toBe(0o700);
  });

  it('refuses to start when a private folder is open to others, naming it and the fix', async () => {
    const region = makeRegion(baseFiles);
    const layout = dataLayout(region.dataDir);
    expect((await runNightly(options(region), { ...quietContext(), steps: fakeSteps() })).exitCode).toBe(0);
    chmodSync(layout.archive, 0o755);
    chmodSync(layout.warehouseDir, 0o750);
    const refused = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() }).catch(
      (e) => e,
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.message).toBe(
      [
        'refusing to start: these hold personal data or the lock and can be read by others than the owner:',
        `  ${layout.archive} is drwxr-xr-x`,
        `  ${layout.warehouseDir} is drwxr-x---`,
        `Fix: chmod -R go-rwx ${layout.archive} ${layout.warehouseDir} (and look at who may have read them)`,
      ].join('\n'),
    );
    expect(readJournal(layout).at(-1)).toMatchObject({ status: 'failed', failed_step: 'start' });
    expect(readdirSync(layout.work)).toEqual([]);
  });
});
