import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../pipelines/cli.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { type ReportSummary, renderReports } from '../../reports/index.js';
import {
  curveRows,
  EVIL_FILE,
  fillFixture,
  funnelRows,
  makeIndicatorRows,
  openFixtureWarehouse,
  RUN_ID,
  SECRET_BSN,
  SECRET_KEY,
} from './fixture.js';

const clock = () => new Date('2025-07-01T02:05:00Z');
const codes = ['IJsselland', ...gemeenten.map((g) => g.cbsCode)];

let db: Warehouse;
let outDir: string;
let summary: ReportSummary;
const pages = new Map<string, string>();

beforeAll(async () => {
  db = await openFixtureWarehouse();
  outDir = mkdtempSync(join(tmpdir(), 'rijm-reports-'));
  summary = await renderReports(db, { outDir, log: memoryLogger(clock), clock, pdf: 'no' });
  for (const code of codes) pages.set(code, readFileSync(join(outDir, code, 'index.html'), 'utf8'));
});

afterAll(() => {
  db?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const documents = new Map<string, ReturnType<typeof parseHTML>['document']>();
function documentOf(code: string) {
  let doc = documents.get(code);
  if (!doc) {
    doc = parseHTML(pages.get(code)!).document;
    documents.set(code, doc);
  }
  return doc;
}

/** Every shown figure of every report: its source key, kind and text. */
function shownFigures(): { code: string; bron: string; soort: string; text: string }[] {
  return codes.flatMap((code) =>
    [...documentOf(code).querySelectorAll('.cijfer')].map((el) => ({
      code,
      bron: el.getAttribute('data-bron') ?? '',
      soort: el.getAttribute('data-soort') ?? '',
      text: el.textContent ?? '',
    })),
  );
}

function numberOf(text: string): number {
  return Number(text.replace(/[^\d,]/g, '').replace(',', '.'));
}

describe('renderReports', () => {
  it('renders a report for the region and every gemeente, and an index linking them', () => {
    expect(summary.reports.map((r) => r.code)).toEqual(codes);
    expect(summary).toMatchObject({ runId: RUN_ID, peildatum: '2025-06-30', pdf: false });
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    for (const code of codes) {
      expect(existsSync(join(outDir, code, 'index.html'))).toBe(true);
      expect(index).toContain(`href="${code}/index.html"`);
    }
    expect(index).toContain('Zwolle');
  });

  it('is self-contained: no scripts, no external resources', () => {
    for (const [code, page] of pages) {
      expect(page, code).not.toMatch(/<script/i);
      expect(page, code).not.toMatch(/(src|href)="(https?:)?\/\//i);
      expect(page, code).not.toMatch(/<link\b/i);
    }
  });

  it('escapes file names and reasons from the data', () => {
    const zwolle = pages.get('GM0193')!;
    expect(zwolle).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.csv');
    expect(zwolle).not.toContain(EVIL_FILE);
    expect(zwolle).toContain('Onbekend bestandstype &quot;&lt;b&gt;&quot; &amp; meer');
    expect(zwolle).toContain('Datum bestaat niet &lt;i&gt;');
    expect(pages.get('IJsselland')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.csv');
  });

  it('shows nothing record-level: no BSN, no toewijzingnummer, no offending values', () => {
    for (const [code, page] of pages) {
      for (const secret of [SECRET_BSN, SECRET_KEY, '31-02-2025']) expect(page, code).not.toContain(secret);
    }
  });

  it('shows the data-quality section per gemeente with rows rejected by reason', () => {
    const doc = documentOf('GM0193');
    const text = doc.querySelector('#datakwaliteit')!.parentNode!.textContent!;
    expect(text).toContain('BSN voldoet niet aan de elfproef');
    expect(text).toContain('Ontvangen: 3 bestanden met 1.500 records, waarvan 1.496 geladen en 4 afgekeurd.');
    expect(text).toContain('Stopbericht zonder bijbehorend startbericht');
    expect(text).toContain('30 juni 2025');
    expect(documentOf('GM0180').querySelector('#datakwaliteit')!.parentNode!.textContent).not.toContain(
      'elfproef',
    );
  });

  it('writes the colophon and formats in Dutch, axes included', () => {
    const page = pages.get('GM0193')!;
    const colofon = documentOf('GM0193').querySelector('dl.colofon')!.textContent!;
    expect(colofon).toContain(RUN_ID);
    expect(colofon).toContain('30 juni 2025');
    expect(colofon).toContain('1 juli 2025, 04:05');
    expect(colofon).toContain('RIJM indicatordefinities versie 1');
    expect(colofon).toMatch(/Versie SQL-modellen[0-9a-f]{12}/);
    expect(page).toContain('1e halfjaar 2024');
    expect(page).toContain('>1e hj 2024</text>');
    expect(page).toMatch(/>\d+%<\/text>/);
    expect(page).toContain('€ 11.610');
    expect(page).not.toMatch(/>\d+\.\d{1,2}%?<\/text>/);
  });

  it('gives every chart a role, a label and a title, and keeps headings in order', () => {
    for (const code of codes) {
      const doc = documentOf(code);
      const svgs = [...doc.querySelectorAll('svg')];
      expect(svgs.length, code).toBeGreaterThan(code === 'GM0180' ? 3 : 8);
      for (const svg of svgs) {
        expect(svg.getAttribute('role')).toBe('img');
        expect(svg.getAttribute('aria-label')?.length).toBeGreaterThan(10);
        expect(svg.querySelector('title')?.textContent).toBe(svg.getAttribute('aria-label'));
      }
      for (const fig of doc.querySelectorAll('figure.grafiek')) {
        expect(fig.querySelector('h3')).not.toBeNull();
        expect(fig.querySelector('figcaption')?.textContent?.length).toBeGreaterThan(20);
        expect(fig.querySelector('table caption')).not.toBeNull();
      }
      const levels = [...doc.querySelectorAll('h1, h2, h3, h4')].map((h) => Number(h.tagName[1]));
      expect(levels[0]).toBe(1);
      levels.forEach((level, i) => {
        if (i > 0) expect(level - levels[i - 1]!, `${code} heading ${i}`).toBeLessThanOrEqual(1);
      });
    }
  });

  it('says so when the marts are missing instead of failing', async () => {
    const empty = await openWarehouse(':memory:');
    const dir = mkdtempSync(join(tmpdir(), 'rijm-reports-empty-'));
    try {
      await renderReports(empty, { outDir: dir, log: memoryLogger(clock), clock, pdf: 'no' });
      const page = readFileSync(join(dir, 'GM0193', 'index.html'), 'utf8');
      expect(page).toContain('De tabel marts.indicator_values ontbreekt in het warehouse');
      expect(page).toContain('Er zijn nog geen aanleveringen ontvangen.');
    } finally {
      empty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the small-numbers rule across every report', () => {
  const raw = makeIndicatorRows();
  const rawByKey = new Map(
    raw.map((r) => [`iv|${r.gemeente}|${r.periode}|${r.indicator}|${r.dimensie}|${r.dimensie_waarde}`, r]),
  );
  const funnels = new Map(
    funnelRows(raw).posities.map((p) => [`fp|${p.indicator}|${p.periode}|${p.gemeente}`, p]),
  );

  it('shows no count in 1–9 and every count as 0, <10 or a multiple of 5 from 10', () => {
    const counts = shownFigures().filter((f) => f.soort === 'aantal');
    expect(counts.length).toBeGreaterThan(500);
    expect(counts.some((f) => f.text === '<10')).toBe(true);
    for (const f of counts) {
      if (f.text === '0' || f.text === '<10' || f.text === 'n<20') continue;
      expect(f.text, f.bron).toMatch(/^\d{1,3}(\.\d{3})*$/);
      const n = numberOf(f.text);
      expect(n % 5, f.bron).toBe(0);
      expect(n, f.bron).toBeGreaterThanOrEqual(10);
    }
  });

  it('checks every shown figure against its unrounded mart row', () => {
    const figures = shownFigures();
    let checked = 0;
    for (const f of figures) {
      const isN = f.bron.endsWith('|n');
      const key = isN ? f.bron.slice(0, -2) : f.bron;
      const r = rawByKey.get(key) ?? funnels.get(key);
      expect(r, `no source for ${f.bron}`).toBeDefined();
      if (!r) continue;
      checked++;
      if (isN || f.soort === 'aantal') {
        const n = isN ? r.noemer! : r.waarde!;
        const expected = n === 0 ? '0' : n < 10 ? '<10' : null;
        if (expected) expect(f.text, f.bron).toBe(expected);
        else expect(numberOf(f.text), f.bron).toBe(Math.round(n / 5) * 5);
        if (isN)
          expect(r.noemer!, `${f.bron}: a denominator is only shown beside its share`).toBeGreaterThanOrEqual(
            20,
          );
      } else if (f.soort === 'aandeel' || f.soort === 'gemiddelde' || f.soort === 'verhouding') {
        if ((r.noemer ?? 0) < 20) expect(f.text, f.bron).toBe('n<20');
        else expect(f.text, f.bron).not.toBe('n<20');
      } else if (f.soort === 'overleving') {
        if ((r.noemer ?? 0) < 20) expect(f.text, f.bron).toBe('n<20');
      } else if (f.soort === 'per1000') {
        if ((r.teller ?? 0) > 0 && (r.teller ?? 0) < 10) expect(f.text, f.bron).toBe('<10');
      }
    }
    expect(checked).toBe(figures.length);
    expect(figures.filter((f) => f.soort === 'aandeel' && f.text === 'n<20').length).toBeGreaterThan(10);
    // The ratio of indicator 11 and the justitieel kader are in the key figures.
    expect(figures.some((f) => f.soort === 'verhouding' && /^\d+,\d$/.test(f.text))).toBe(true);
    expect(figures.some((f) => f.bron.includes('|jeugdigen_justitieel|') && f.soort === 'aantal')).toBe(true);
  });

  it('shows a Kaplan–Meier share only where at least 20 were still at risk', () => {
    const curves = curveRows();
    const atRisk = (g: string, cohort: string, day: number) =>
      curves.find((c) => c.gemeente === g && c.cohort === cohort && c.dag >= day)?.at_risk ?? 0;
    const days: Record<string, number> = {
      nog_in_verblijf_6m: 183,
      nog_in_verblijf_12m: 365,
      nog_in_verblijf_24m: 730,
    };
    const km = shownFigures().filter((f) => f.soort === 'overleving' && !f.bron.endsWith('|n'));
    expect(km.length).toBeGreaterThan(0);
    for (const f of km) {
      const [, g, cohort, indicator] = f.bron.split('|') as [string, string, string, string];
      const day = days[indicator];
      if (day !== undefined && atRisk(g, cohort, day) < 20) expect(f.text, f.bron).toBe('n<20');
    }
    expect(km.some((f) => f.text !== 'n<20')).toBe(true);
  });

  it('never lets region minus the other ten reveal a suppressed gemeente', () => {
    // What a reader can know of a true count from its shown text.
    const bounds = (text: string): [number, number] =>
      text === '0' ? [0, 0] : text === '<10' ? [1, 9] : [numberOf(text) - 2, numberOf(text) + 2];
    const shown = new Map<string, string>();
    for (const f of shownFigures()) if (f.soort === 'aantal') shown.set(f.bron, f.text);
    const groups = new Map<string, string>();
    for (const bron of shown.keys()) {
      const [, , periode, indicator, dimensie, waarde, n] = bron.split('|');
      groups.set([periode, indicator, dimensie, waarde, n ?? ''].join('|'), bron);
    }
    let tested = 0;
    for (const group of groups.keys()) {
      const [periode, indicator, dimensie, waarde, n] = group.split('|');
      const keyOf = (g: string) => `iv|${g}|${periode}|${indicator}|${dimensie}|${waarde}${n ? '|n' : ''}`;
      const region = shown.get(keyOf('IJsselland'));
      const texts = gemeenten.map((g) => shown.get(keyOf(g.cbsCode)));
      if (!region || texts.some((t) => t === undefined)) continue;
      texts.forEach((text, i) => {
        if (text !== '<10') return;
        // The region is the sum of the gemeenten (trajecten) or less (distinct clients): assume the sum,
        // the reader's best case, and solve for this gemeente.
        const [rLo, rHi] = bounds(region);
        const others = texts.filter((_, j) => j !== i).map((t) => bounds(t!));
        const lo = Math.max(1, rLo - others.reduce((s, b) => s + b[1], 0));
        const hi = Math.min(9, rHi - others.reduce((s, b) => s + b[0], 0));
        expect(hi - lo, `${group}: ${gemeenten[i]!.cbsCode} could be pinned down`).toBeGreaterThanOrEqual(1);
        tested++;
      });
    }
    expect(tested).toBeGreaterThan(5);
  });
});

describe('rijm report', () => {
  it('renders from the warehouse in the data directory, read-only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rijm-data-'));
    try {
      const layout = dataLayout(dataDir);
      const w = await openWarehouse(layout.warehouse);
      await fillFixture(w);
      w.close();
      const out = new PassThrough();
      const err = new PassThrough();
      let stdout = '';
      out.on('data', (c) => {
        stdout += String(c);
      });
      const code = await main(['report', '--data-dir', dataDir, '--pdf', 'no'], {
        out,
        err,
        env: {},
        clock,
        log: memoryLogger(clock),
      });
      expect(code).toBe(0);
      expect(stdout).toContain('12 reports (HTML)');
      expect(existsSync(join(layout.reports, 'GM0193', 'index.html'))).toBe(true);
      expect(
        await main(['report', '--data-dir', dataDir, '--pdf', 'soms'], {
          out,
          err,
          env: {},
          clock,
          log: memoryLogger(clock),
        }),
      ).toBe(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
