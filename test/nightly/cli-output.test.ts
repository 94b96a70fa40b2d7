/**
 * What `rijm nightly` prints, as an operator meets it: on a terminal (a real pseudo-terminal made by
 * `script`), off a terminal (JSON lines, each with the run id), and as plain text lines; and what it
 * hands to --notify-command. The compiled CLI with the fake steps of fixtures/child.mjs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { screen } from '../helpers/screen.js';
import { baseFiles, makeRegion } from './helpers.js';

const child = join(import.meta.dirname, 'fixtures', 'child.mjs');
const hasScript = spawnSync('script', ['--version']).status === 0;
if (process.env.CI && !hasScript)
  throw new Error('script (util-linux) is required in CI for the terminal test');

const env = (extra: Record<string, string> = {}) => {
  const { RIJM_LOG_FORMAT: _f, ...rest } = process.env;
  return {
    ...rest,
    TZ: 'Europe/Amsterdam',
    RIJM_TEST_DIST: compiledDir(),
    RIJM_PSEUDONYM_KEY: 'output-test-pseudonym-key-0123456789abcdef',
    RIJM_RESEARCH_KEY: 'output-test-research-key-0123456789abcdefgh',
    ...extra,
  };
};

function run(command: string, args: string[], extra: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const p = spawn(command, args, { env: env(extra) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const nightly = (r: { inbox: string; dataDir: string }, more: string[] = []) => [
  child,
  'nightly',
  '--inbox',
  r.inbox,
  '--data-dir',
  r.dataDir,
  '--peildatum',
  '2026-11-22',
  ...more,
];
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe('rijm nightly, as it prints', () => {
  beforeAll(async () => {
    await compileProject('pipelines/nightly/command.js');
  }, 180_000);

  it.skipIf(!hasScript)(
    'on a terminal: a live line per step, a result line each, local times with zone',
    async () => {
      const region = makeRegion(baseFiles);
      const line = [process.execPath, ...nightly(region)].map(quote).join(' ');
      const { code, out } = await run('script', ['-q', '-e', '-c', line, '/dev/null']);
      expect(code, out).toBe(0);
      expect(out).toContain('\r\x1b[2K  [2/6] ingest  0:00');
      const shown = screen(out.replaceAll('\r\n', '\n'));
      expect(shown.find((l) => l.startsWith('Run '))).toMatch(
        /^Run \d{8}T\d{6}Z-[0-9a-f]{6} started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CES?T$/,
      );
      const steps = shown.filter((l) => /^[✓✗] /.test(l));
      expect(steps.map((l) => l.slice(0, 16).trim())).toEqual([
        '✓ [1/6] discover',
        '✓ [2/6] ingest',
        '✓ [3/6] build',
        '✓ [4/6] reports',
        '✓ [5/6] exports',
        '✓ [6/6] publish',
      ]);
      expect(steps[1]).toMatch(
        / s {2}2 files, 0 unchanged, 0 rejected, 3 rows loaded, 0 rows in quarantine$/,
      );
      expect(out).not.toContain('{"time"');
      expect(shown.some((l) => l.startsWith('RIJM nightly run ') && l.endsWith('(exit code 0)'))).toBe(true);
    },
  );

  it('off a terminal: JSON lines, every one with the run id; RIJM_LOG_FORMAT=text gives plain lines', async () => {
    const region = makeRegion({ ...baseFiles, 'GM0193/bad_1.csv': 'x' });
    const json = await run(process.execPath, nightly(region));
    expect(json.code).toBe(3);
    const runId = /^RIJM nightly run (\S+):/.exec(json.out)![1];
    const records = json.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) expect(r.runId, r.event).toBe(runId);
    expect(records.map((r) => r.event)).toContain('step_done');

    const text = await run(process.execPath, nightly(makeRegion(baseFiles)), { RIJM_LOG_FORMAT: 'text' });
    expect(text.code).toBe(0);
    const lines = text.err.trim().split('\n');
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CES?T {2}/);
    expect(lines.some((l) => /step_done {2}runId=\S+ step=ingest/.test(l))).toBe(true);
  });

  it('runs --notify-command with the summary when a run rejects, and not when all went well', async () => {
    const region = makeRegion({ ...baseFiles, 'GM0193/bad_1.csv': 'x' });
    const notified = join(region.root, 'notified');
    const command = `cat > ${quote(notified)}; env | grep '^RIJM_RUN_\\|^RIJM_EXIT' | sort > ${quote(`${notified}.env`)}`;
    const rejected = await run(process.execPath, nightly(region, ['--notify-command', command]));
    expect(rejected.code).toBe(3);
    expect(readFileSync(notified, 'utf8')).toBe(rejected.out);
    const runId = /^RIJM nightly run (\S+):/.exec(rejected.out)![1];
    expect(readFileSync(`${notified}.env`, 'utf8')).toBe(
      `RIJM_EXIT_CODE=3\nRIJM_RUN_ID=${runId}\nRIJM_RUN_STATUS=rejected\n`,
    );
    expect(rejected.err).toContain('"notify_sent"');

    const calm = makeRegion(baseFiles);
    const quiet = join(calm.root, 'notified');
    const ok = await run(process.execPath, nightly(calm), { RIJM_NOTIFY_COMMAND: `cat > ${quote(quiet)}` });
    expect(ok.code).toBe(0);
    expect(existsSync(quiet)).toBe(false);
  });

  it('notifies when a run cannot start, and a failing notify command does not change the exit code', async () => {
    const region = makeRegion(baseFiles);
    expect((await run(process.execPath, nightly(region))).code).toBe(0);
    chmodSync(dataLayout(region.dataDir).archive, 0o755);
    const notified = join(region.root, 'notified');
    const refused = await run(process.execPath, nightly(region), {
      RIJM_NOTIFY_COMMAND: `cat > ${quote(notified)}; exit 7`,
    });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('rijm: refusing to start: these hold personal data');
    expect(readFileSync(notified, 'utf8')).toMatch(
      /^RIJM nightly run could not start \(exit code 1\):\nrefusing to start/,
    );
    expect(refused.err).toContain('"notify_failed"');
    expect(refused.err).toContain('the notify command ended with exit code 7');
  });
});
