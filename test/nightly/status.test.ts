import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { appendJournal } from '../../pipelines/nightly/journal.js';
import { runNightly } from '../../pipelines/nightly/run.js';
import { checkStatus, formatStatus, readStatus } from '../../pipelines/nightly/status.js';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { fakeSteps } from './fixtures/fake-steps.mjs';
import { baseFiles, makeRegion, options, quietContext } from './helpers.js';

const noLocks = () => '';

describe('rijm status', () => {
  it('shows the runs (failed and interrupted ones too), deliveries per gemeente and who is overdue by their rhythm', async () => {
    const region = makeRegion(baseFiles);
    const ok = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    const layout = dataLayout(region.dataDir);
    appendFileSync(
      join(layout.root, 'runs.jsonl'),
      `${JSON.stringify({ run_id: '20261123T010000Z-ffffff', started_at: '2026-11-23T01:00:00.000Z', ended_at: '2026-11-23T01:00:05.000Z', status: 'failed', peildatum: null, failed_step: 'build', error: 'data test failed', files: 0, rejected_files: 0, rows_loaded: 0, rows_quarantined: 0 })}\n`,
    );
    // Killed during its ingest: a start and a step in the journal, its rijm.lock left, no lock held.
    appendJournal(layout, {
      run_id: '20261124T010000Z-killed',
      event: 'start',
      started_at: '2026-11-24T01:00:00.000Z',
    });
    appendJournal(layout, { run_id: '20261124T010000Z-killed', event: 'step', step: 'ingest' });
    writeFileSync(
      layout.lockFile,
      JSON.stringify({ pid: 1, runId: '20261124T010000Z-killed', startedAt: '2026-11-24T01:00:00Z' }),
    );
    // Fake deliveries are stamped with loaded_at 2026-11-22; GM0193 has a rhythm of 5 days, the rest 31.
    const status = await readStatus(layout, {
      now: new Date('2026-12-01T12:00:00Z'),
      runs: 10,
      rhythm: (code) => (code === 'GM0193' ? 5 : 31),
      locks: noLocks,
    });
    // pid 1 is alive, but it holds no lock: nothing is in progress.
    expect(status.inProgress).toBeNull();
    expect(status.runs.map((r) => [r.run_id, r.status, r.step])).toEqual([
      ['20261124T010000Z-killed', 'interrupted', 'ingest'],
      ['20261123T010000Z-ffffff', 'failed', 'build'],
      [ok.runId, 'ok', null],
    ]);
    expect(status.publication).toMatchObject({ runId: ok.runId, status: 'ok' });
    expect(status.publication?.ageHours).toBeCloseTo(9 * 24 + 11, 0);
    const gm0193 = status.deliveries.find((d) => d.gemeente === 'GM0193');
    expect(gm0193).toMatchObject({
      files: 1,
      rejected: 0,
      lastDelivery: '2026-11-22',
      daysSince: 9,
      overdue: true,
    });
    expect(status.deliveries.find((d) => d.gemeente === 'GM0150')).toMatchObject({
      daysSince: 9,
      overdue: false,
    });
    expect(status.deliveries.filter((d) => d.overdue).map((d) => d.gemeente)).toHaveLength(10);
    const text = formatStatus(status);
    expect(text).toContain('failed at build: data test failed');
    expect(text).toContain('did not finish: interrupted during step ingest');
    expect(text).toContain('GM0193 Zwolle: last delivery 9 days ago (rhythm 5 days)');
    expect(text).toContain('GM0148 Dalfsen: never delivered (rhythm 31 days)');
    expect(text).toContain('CRITICAL: last run 20261124T010000Z-killed');
    const problems = checkStatus(status, { maxAgeHours: 26, overdue: 'warning' });
    expect(problems.map((p) => [p.severity, p.code])).toEqual([
      ['critical', 'last_run_failed'],
      ['critical', 'stale_publication'],
      ...Array(10).fill(['warning', 'overdue']),
    ]);
  });

  it('says that nothing is published yet on a data directory a run refused, and that a folder is not one', async () => {
    const region = makeRegion({});
    const layout = dataLayout(region.dataDir);
    const empty = await readStatus(layout, { now: new Date(0), runs: 10, rhythm: () => 31 });
    expect(empty.kind).toBe('missing');
    expect(checkStatus(empty)).toEqual([
      {
        severity: 'unknown',
        code: 'not_a_data_dir',
        message: `${layout.root} does not exist: check --data-dir`,
      },
    ]);
    mkdirSync(layout.root, { recursive: true });
    appendJournal(layout, {
      run_id: 'r',
      event: 'end',
      status: 'busy',
      started_at: '2026-11-22T01:00:00.000Z',
    });
    const refused = await readStatus(layout, { now: new Date(0), runs: 10, rhythm: () => 31 });
    expect(refused.kind).toBe('rijm');
    expect(formatStatus(refused)).toContain('Nothing published yet: run `rijm nightly` first.');
    expect(formatStatus(refused)).toContain('not started: another run held the lock');
  });
});

/** `rijm status --check` on the compiled CLI, as a monitoring system runs it. */
describe('rijm status --check as a process', () => {
  const cli = () => join(compiledDir(), 'pipelines', 'cli.js');
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const p = spawn(process.execPath, [cli(), 'status', ...args], {
        env: { ...process.env, TZ: 'Europe/Amsterdam' },
      });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code, out, err }));
    });
  /** A region where every gemeente delivered today, run with the real clock: healthy. */
  let healthy: string;

  beforeAll(async () => {
    await compileProject('pipelines/cli.js');
    const files = Object.fromEntries(
      gemeenten.map((g, i) => [`${g.cbsCode}/a_20261001.csv`, `11122233${i};5\n`]),
    );
    const region = makeRegion(files);
    const result = await runNightly(options(region), {
      log: memoryLogger(),
      clock: () => new Date(),
      steps: fakeSteps(),
    });
    expect(result.exitCode).toBe(0);
    healthy = region.dataDir;
  }, 180_000);

  it('exits 0 with one line on a healthy data directory, and --json says the same', async () => {
    const ok = await run(['--check', '--data-dir', healthy]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/^OK: last run \S+ ok, publication 0\.0 hours old, no gemeente overdue\n$/);
    const json = await run(['--check', '--json', '--data-dir', healthy]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out);
    expect(parsed).toMatchObject({
      kind: 'rijm',
      check: { code: 0, problems: [] },
      publication: { status: 'ok' },
    });
    expect(parsed.deliveries).toHaveLength(11);
  });

  it('exits 2 naming the run when the last run failed, and 2 when the publication is older than --max-age', async () => {
    const region = makeRegion({});
    const layout = dataLayout(healthy);
    const copy = join(region.root, 'data');
    cpSync(layout.root, copy, { recursive: true, verbatimSymlinks: true });
    const stale = await run(['--check', '--max-age', '0.0001', '--data-dir', copy]);
    expect(stale.code).toBe(2);
    expect(stale.out).toMatch(
      /^CRITICAL: the publication is 0\.0 hours old \(run \S+, ended .+\): more than 0\.0001 hours\n$/,
    );
    appendJournal(dataLayout(copy), {
      run_id: '29991231T010000Z-broken',
      event: 'end',
      status: 'failed',
      started_at: '2999-12-31T01:00:00.000Z',
      failed_step: 'build',
      error: 'data test core.trajecten_uniek failed\nsample rows …',
    });
    const failed = await run(['--check', '--data-dir', copy]);
    expect(failed.code).toBe(2);
    expect(failed.out).toBe(
      'CRITICAL: last run 29991231T010000Z-broken (started 2999-12-31 02:00:00 CET) failed at step build: data test core.trajecten_uniek failed\n',
    );
  });

  it('exits 1 with a line per overdue gemeente, or 2 with --overdue critical', async () => {
    const dataDir = makeRegion(baseFiles).dataDir;
    await runNightly(options({ inbox: join(dataDir, '..', 'inbox'), dataDir }), {
      log: memoryLogger(),
      clock: () => new Date(),
      steps: fakeSteps(),
    });
    const warned = await run(['--check', '--data-dir', dataDir]);
    expect(warned.code).toBe(1);
    const lines = warned.out.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines).toContain('WARNING: overdue: GM0148 Dalfsen: never delivered (rhythm 31 days)');
    expect((await run(['--check', '--overdue', 'critical', '--data-dir', dataDir])).code).toBe(2);
    expect((await run(['--check', '--overdue', 'ignore', '--data-dir', dataDir])).code).toBe(0);
  });

  it('exits 3 for a data directory that is not RIJM’s, and plain status exits 1 for it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rijm-not-data-'));
    writeFileSync(join(folder, 'notes.txt'), 'not a data directory');
    const unknown = await run(['--check', '--data-dir', folder]);
    expect(unknown.code).toBe(3);
    expect(unknown.out).toBe(
      `UNKNOWN: ${folder} is not a RIJM data directory (no runs.jsonl, warehouse/, archive/ or published/): check --data-dir\n`,
    );
    const missing = await run(['--check', '--data-dir', join(folder, 'typo')]);
    expect(missing.code).toBe(3);
    expect(missing.out).toContain('does not exist: check --data-dir');
    const plain = await run(['--data-dir', join(folder, 'typo')]);
    expect(plain.code).toBe(1);
    expect(plain.err).toBe(`rijm: ${join(folder, 'typo')} does not exist: check --data-dir\n`);
  });
});
