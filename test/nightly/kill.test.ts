/**
 * Kill tests on a real child process: the compiled CLI (compiled once per test run, see
 * test/helpers/compile.ts, so these tests do not depend on a fresh `npm run build`) runs `rijm nightly`
 * with the fake steps of fixtures/child.mjs, pauses at a point through the test hook
 * RIJM_TEST_PAUSE_AFTER, and is killed there with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../pipelines/lib/db.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { readJournal } from '../../pipelines/nightly/journal.js';
import { PAUSE_POINTS } from '../../pipelines/nightly/run.js';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { addFile, baseFiles, makeRegion, query } from './helpers.js';

const _root = join(import.meta.dirname, '..', '..');
const dist = compiledDir();
const child = join(import.meta.dirname, 'fixtures', 'child.mjs');
const env = {
  ...process.env,
  RIJM_TEST_DIST: dist,
  RIJM_PSEUDONYM_KEY: 'kill-test-pseudonym-key-0123456789abcdef',
  RIJM_RESEARCH_KEY: 'kill-test-research-key-0123456789abcdefgh',
};

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rijm(args: string[], extraEnv: Record<string, string> = {}): Promise<Done> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { env: { ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a run that pauses at `point`; resolves once it is paused, with a function that kills it. */
function pausedRun(args: string[], point: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { env: { ...env, RIJM_TEST_PAUSE_AFTER: point } });
    let stderr = '';
    const closed = new Promise<void>((r) => p.on('close', () => r()));
    p.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('"test_paused"')) {
        resolve({
          pid: p.pid!,
          kill: async () => {
            p.kill('SIGKILL');
            await closed;
          },
        });
      }
    });
    p.on('close', (code) => reject(new Error(`run ended (${code}) before pausing at ${point}:\n${stderr}`)));
  });
}

const args = (r: { inbox: string; dataDir: string }) => [
  'nightly',
  '--inbox',
  r.inbox,
  '--data-dir',
  r.dataDir,
  '--peildatum',
  '2026-11-22',
];

/** What readers see in a publication, without what differs per run (ids, times). */
async function publication(dataDir: string) {
  const pub = dataLayout(dataDir).published;
  const exportsDir = join(pub, 'exports');
  return {
    marts: await query(
      join(pub, 'rijm.duckdb'),
      'select gemeente, waarde from marts.indicator_values order by all',
    ),
    core: await query(join(pub, 'rijm.duckdb'), 'select * from core.trajecten order by all'),
    deliveries: await query(
      join(pub, 'rijm.duckdb'),
      'select delivery_id, result from meta.deliveries order by all',
    ),
    research: await query(join(pub, 'rijm-onderzoek.duckdb'), 'select * from core.trajecten order by all'),
    reports: readFileSync(join(pub, 'reports', 'index.html'), 'utf8'),
    exports: readdirSync(exportsDir, { recursive: true }).map(String).sort(),
  };
}

describe('a nightly run in a child process', () => {
  let template: ReturnType<typeof makeRegion>;
  let first: Awaited<ReturnType<typeof publication>>;
  let expected: Awaited<ReturnType<typeof publication>>;

  beforeAll(async () => {
    await compileProject('pipelines/nightly/command.js');

    template = makeRegion(baseFiles);
    const run1 = await rijm(args(template));
    expect(run1.code, run1.stderr).toBe(0);
    first = await publication(template.dataDir);
    addFile(template.inbox, 'GM0193/b_20261101.csv', '111222336;20\n');
    // The uninterrupted second run, on its own copy, is what every interrupted one must come out as.
    const reference = makeRegion({});
    cpSync(template.root, reference.root, { recursive: true, verbatimSymlinks: true });
    const ref = { inbox: join(reference.root, 'inbox'), dataDir: join(reference.root, 'data') };
    const run2 = await rijm(args(ref));
    expect(run2.code, run2.stderr).toBe(0);
    expected = await publication(ref.dataDir);
    expect(expected.marts).not.toEqual(first.marts);
  }, 180_000);

  it.each(PAUSE_POINTS)(
    'killed after %s: the last publication stays intact, the next run completes the same',
    async (point) => {
      const copy = makeRegion({});
      cpSync(template.root, copy.root, { recursive: true, verbatimSymlinks: true });
      const region = { inbox: join(copy.root, 'inbox'), dataDir: join(copy.root, 'data') };
      const layout = dataLayout(region.dataDir);
      const working = readFileSync(layout.warehouse);

      const run = await pausedRun(args(region), point);
      await run.kill();

      const after = await publication(region.dataDir);
      if (point === 'publish') expect(after).toEqual(expected);
      else expect(after).toEqual(first);
      if (point !== 'working' && point !== 'publish')
        expect(readFileSync(layout.warehouse).equals(working)).toBe(true);

      // Before the next run, the journal already tells what happened: a run that never ended, with its step.
      const step = point === 'staged' || point === 'working' ? 'publish' : point;
      expect(readJournal(layout).at(-1)).toMatchObject({ status: 'running', step });
      const next = await rijm(args(region));
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toContain('"stale_lock_taken_over"');
      expect(next.stderr).toContain('"run_interrupted"');
      expect(await publication(region.dataDir)).toEqual(expected);
      expect(readdirSync(layout.work)).toEqual([]);
      expect(
        readJournal(layout)
          .slice(-2)
          .map((j) => [j.status, j.failed_step]),
      ).toEqual([
        ['interrupted', step],
        ['ok', null],
      ]);
    },
  );

  it('refuses a second run while one is busy with exit code 4, naming its pid, and journals it', async () => {
    const copy = makeRegion({});
    cpSync(template.root, copy.root, { recursive: true, verbatimSymlinks: true });
    const region = { inbox: join(copy.root, 'inbox'), dataDir: join(copy.root, 'data') };
    const run = await pausedRun(args(region), 'ingest');
    try {
      const second = await rijm(args(region));
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(
        `rijm: another run holds the lock ${dataLayout(region.dataDir).lockFile}: pid ${run.pid}`,
      );
      const journal = readJournal(dataLayout(region.dataDir));
      expect(journal.map((j) => j.status).slice(-2)).toEqual(['running', 'busy']);
      expect(journal.at(-1)).toMatchObject({ exit_code: 4 });
    } finally {
      await run.kill();
    }
  });

  it('does not disturb a reader holding the published file open; the next open sees the new data', async () => {
    const copy = makeRegion({});
    cpSync(template.root, copy.root, { recursive: true, verbatimSymlinks: true });
    const region = { inbox: join(copy.root, 'inbox'), dataDir: join(copy.root, 'data') };
    const path = join(dataLayout(region.dataDir).published, 'rijm.duckdb');
    const sql = 'select gemeente, waarde from marts.indicator_values order by all';
    const reader = await Warehouse.open(path, { readOnly: true });
    try {
      expect(await reader.all(sql)).toEqual(first.marts);
      const run = await rijm(args(region));
      expect(run.code, run.stderr).toBe(0);
      expect(await reader.all(sql)).toEqual(first.marts);
      expect(await query(path, sql)).toEqual(expected.marts);
    } finally {
      reader.close();
    }
    expect(readlinkSync(join(dataLayout(region.dataDir).published, 'exports'))).toMatch(
      /^\.versies\/exports-/,
    );
  });

  it('exits 1 with the step named when a step fails, and 2 on wrong usage', async () => {
    const copy = makeRegion({});
    cpSync(template.root, copy.root, { recursive: true, verbatimSymlinks: true });
    const region = { inbox: join(copy.root, 'inbox'), dataDir: join(copy.root, 'data') };
    const failed = await rijm(args(region), { RIJM_TEST_FAIL_AT: 'build' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAILED at step build');
    expect(await publication(region.dataDir)).toEqual(first);
    const usage = await rijm([...args(region), '--peildatum', '2026-02-30']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--peildatum: expected a date YYYY-MM-DD, got "2026-02-30"');
  });
});
