/**
 * Opens every rendered report in headless Chromium: no console errors, no request leaving the file,
 * every chart visible with a size, a screenshot of the first page under test-results/, and one PDF.
 * Skipped only on a machine without Chromium outside CI; in CI it must run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { projectRoot } from '../../pipelines/lib/paths.js';
import { renderReports } from '../../reports/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, printPdfs } from '../../reports/pdf.js';
import { openFixtureWarehouse } from './fixture.js';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium && process.env.CI) {
  throw new Error(`Chromium is required in CI for the report browser test: ${CHROMIUM_PATH} not found`);
}
if (!hasChromium) {
  console.warn(`Skipping the report browser test: ${CHROMIUM_PATH} not found (apt-get install chromium)`);
}

const clock = () => new Date('2025-07-01T02:05:00Z');
const codes = ['IJsselland', ...gemeenten.map((g) => g.cbsCode)];
const screenshotDir = join(projectRoot, 'test-results', 'reports');

describe.skipIf(!hasChromium)('reports in headless Chromium', () => {
  let db: Warehouse;
  let outDir: string;

  beforeAll(async () => {
    db = await openFixtureWarehouse();
    outDir = mkdtempSync(join(tmpdir(), 'rijm-browser-'));
    await renderReports(db, { outDir, log: memoryLogger(clock), clock, pdf: 'no' });
    mkdirSync(screenshotDir, { recursive: true });
  });

  afterAll(() => {
    db?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('opens every report without errors, requests or invisible charts', { timeout: 240_000 }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 794, height: 1123 } });
      const outside: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      for (const code of [...codes, '.']) {
        await page.goto(pathToFileURL(join(outDir, code, 'index.html')).href, { waitUntil: 'load' });
        expect(await page.title(), code).toContain('Regionale IJssellandse Monitor');
        // One round trip per page: the size and visibility of every chart.
        const charts =
          (await page.evaluate(`[...document.querySelectorAll('figure.grafiek svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          const style = getComputedStyle(svg);
          return { width: box.width, height: box.height, visible: style.visibility !== 'hidden' && style.display !== 'none' };
        })`)) as { width: number; height: number; visible: boolean }[];
        if (code !== '.') expect(charts.length, code).toBeGreaterThan(3);
        for (const chart of charts) {
          expect(chart.width, code).toBeGreaterThan(100);
          expect(chart.height, code).toBeGreaterThan(50);
          expect(chart.visible, code).toBe(true);
        }
        await page.screenshot({ path: join(screenshotDir, `${code === '.' ? 'index' : code}.png`) });
      }
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('prints a report to an A4 PDF', { timeout: 120_000 }, async () => {
    const html = join(outDir, 'GM0180', 'index.html');
    const pdf = join(outDir, 'GM0180', 'rapport.pdf');
    await printPdfs([[html, pdf]]);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 is 595 × 842 points.
    expect(bytes.toString('latin1')).toMatch(/MediaBox \[0 0 59[45]\.?\d* 84[12]\.?\d*\]/);
  });
});
