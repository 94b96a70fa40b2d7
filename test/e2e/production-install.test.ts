/**
 * RIJM as a server gets it: the built project and `npm ci --omit=dev` from the registry, no development
 * packages, and Debian's Chromium. A nightly run on a small generated region must publish the reports
 * with their PDFs. Only in CI or with RIJM_SLOW_TESTS=1 (the install takes a while); the registry is the
 * only network it needs, and no install step may fetch a browser.
 */
import { execFile } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../../reports/pdf.js';
import { compileProject } from '../helpers/compile.js';

const slow = Boolean(process.env.CI || process.env.RIJM_SLOW_TESTS);
const root = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

function startsWithPdf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(5);
    readSync(fd, head, 0, 5, 0);
    return head.toString('latin1') === '%PDF-';
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!slow)('a production install (npm ci --omit=dev)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-install-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is required for this test: ${CHROMIUM_PATH}`);
    const dist = await compileProject('pipelines/cli.js');
    // What an installation holds: the build, the package files and the project's own data; no tests, no sources.
    for (const name of ['package.json', 'package-lock.json', 'reference', 'sql', 'schemas', 'profiles']) {
      cpSync(join(root, name), join(dir, name), { recursive: true });
    }
    cpSync(dist, join(dir, 'dist'), { recursive: true });
    await exec('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', NODE_ENV: 'production' },
      timeout: 600_000,
    });
  }, 900_000);

  it('has the runtime dependencies and none of the development ones', () => {
    const modules = readdirSync(join(dir, 'node_modules'));
    for (const runtime of ['playwright-core', '@duckdb', 'exceljs', 'linkedom'])
      expect(modules).toContain(runtime);
    for (const dev of ['vitest', 'typescript', '@biomejs', 'csv-parse']) expect(modules).not.toContain(dev);
  });

  it('runs the nightly job and publishes the reports with their PDFs', async () => {
    const cli = join(dir, 'dist', 'pipelines', 'cli.js');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: 'Europe/Amsterdam',
      RIJM_CHROMIUM: CHROMIUM_PATH,
    };
    await exec(
      process.execPath,
      [
        cli,
        'generate',
        '--out',
        join(dir, 'inbox'),
        '--scale',
        '0.005',
        '--seed',
        '3',
        '--from',
        '2025',
        '--until',
        '2026-06-30',
      ],
      { env },
    );
    const night = await exec(
      process.execPath,
      [
        cli,
        'nightly',
        '--demo',
        '--pdf',
        'yes',
        '--inbox',
        join(dir, 'inbox'),
        '--data-dir',
        join(dir, 'data'),
      ],
      { env, timeout: 600_000 },
    ).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    // The demo region carries planted faults: completed with rejections.
    expect(night.code, night.stderr).toBe(3);
    const reports = join(dir, 'data', 'published', 'reports');
    const pdfs = readdirSync(reports, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.pdf'));
    expect(pdfs).toHaveLength(12);
    for (const pdf of pdfs) expect(startsWithPdf(join(reports, pdf)), pdf).toBe(true);
    const version = await exec(process.execPath, [cli, '--version'], { env });
    expect(version.stdout).toMatch(/^rijm \d+\.\d+\.\d+ \(commit \S+, warehouse schema \d+\)\n$/);
  }, 600_000);
});
