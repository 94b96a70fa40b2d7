/**
 * The whole chain on a tiny generated region, as a newcomer runs it: `rijm generate`, then the real
 * `rijm nightly --demo` through the CLI's `main()`, twice on the same inbox. Every planted fault of the
 * manifest must come out with its rule, every delivery must reconcile, every indicator of indicators.md
 * §4 must be there as the Rows rule says, and everything must be published.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../pipelines/cli.js';
import type { Departure, Fault } from '../../pipelines/generate/manifest.js';
import { Warehouse } from '../../pipelines/lib/db.js';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';
import type { IndicatorRow } from '../../reports/disclosure.js';

/** indicators.md §4, in its order. */
const INDICATOR_IDS = [
  'jeugdigen_met_jeugdhulp',
  'jeugdigen_per_1000',
  'trajecten_actief',
  'trajecten_gestart',
  'trajecten_beeindigd',
  'uitval',
  'voortijdig',
  'volgens_plan',
  'doelrealisatie_volledig',
  'doelrealisatie_volledig_of_gedeeltelijk',
  'doelrealisatie_respons',
  'tevredenheid_gemiddeld',
  'tevredenheid_7_of_hoger',
  'zonder_hulp_verder',
  'geen_nieuwe_start',
  'uithuisgeplaatst',
  'uithuisgeplaatst_per_1000',
  'uithuisgeplaatst_aandeel',
  'nieuwe_uithuisplaatsingen',
  'kleinschalig_gezinsgericht',
  'verblijfsduur_km_mediaan',
  'nog_in_verblijf_6m',
  'nog_in_verblijf_12m',
  'nog_in_verblijf_24m',
  'verblijfsduur_beeindigd_gemiddeld',
  'verblijfsduur_beeindigd_mediaan',
  'ambulant_aandeel',
  'tijdigheid_mediaan_dagen',
  'tijdigheid_binnen_28_dagen',
  'herhaald_beroep',
  'kosten_gedeclareerd',
  'kosten_per_jeugdige',
  'budgetbenutting',
  'achttien_doorloop',
  // Beyond the list of §4 (docs/indicatoren.md): the ratio of indicator 11 and the justitieel kader (§1).
  'ambulant_verhouding',
  'jeugdigen_justitieel',
];

/** Counts (and rates of a count over the population): a row for every area and period, also when 0. */
const COUNTS = [
  'jeugdigen_met_jeugdhulp',
  'jeugdigen_per_1000',
  'trajecten_actief',
  'trajecten_gestart',
  'trajecten_beeindigd',
  'uithuisgeplaatst',
  'uithuisgeplaatst_per_1000',
  'nieuwe_uithuisplaatsingen',
  'jeugdigen_justitieel',
];

/** Shares whose denominator is itself a count above: a row wherever that count is above 0. */
const SHARES_OF: Record<string, string> = {
  uithuisgeplaatst_aandeel: 'jeugdigen_met_jeugdhulp',
  ambulant_aandeel: 'jeugdigen_met_jeugdhulp',
  kleinschalig_gezinsgericht: 'uithuisgeplaatst',
};

/** The generator's rule and the quarantine's, for faults in a row or an element. */
const RECORD_RULES: Record<string, string> = {
  bsn_elfproef: 'bsn_elfproef',
  datum_ongeldig: 'datum_ongeldig',
  code_onbekend: 'code_onbekend',
  andere_gemeente: 'gemeente_andere_inbox',
};

/** Faults that refuse a whole file or zip member: the result it gets and words its reason holds. */
const FILE_RULES: Record<string, { results: string[]; reason: RegExp }> = {
  namespace_onbekend: { results: ['afgewezen'], reason: /namespace/ },
  bestandstype_onbekend: { results: ['afgewezen'], reason: /onbekend bestandstype/ },
  kolom_ontbreekt: { results: ['afgewezen'], reason: /ontbreken/ },
  bestand_afgekapt: {
    results: ['afgewezen', 'deels_afgewezen'],
    reason: /afgebroken|beschadigd|leesbaar|afgekeurd|afgewezen/,
  },
};

const RUN_TIME = new Date('2026-07-01T02:00:00Z');
const REGION = 'IJsselland';
const AREAS = [...gemeenten.map((g) => g.cbsCode), REGION];

interface Manifest {
  faults: Fault[];
  departures: Departure[];
}

interface Delivery extends Record<string, unknown> {
  gemeente: string;
  file_name: string;
  member_name: string | null;
  file_type: string;
  result: string;
  reason: string | null;
  records_read: number;
  records_loaded: number;
  records_quarantined: number;
  records_skipped: number;
}

type Figure = Omit<IndicatorRow, 'ci_laag' | 'ci_hoog'> & Record<string, unknown>;

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function rijm(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await main(argv, {
    out: out.stream,
    err: err.stream,
    // No keys in the environment: --demo must be what lets the run use the public demo keys.
    env: { TZ: 'Europe/Amsterdam' },
    clock: () => RUN_TIME,
  });
  return { code, out: out.text(), err: err.text() };
}

async function readPublished<T>(dataDir: string, read: (db: Warehouse) => Promise<T>): Promise<T> {
  const db = await Warehouse.open(join(dataDir, 'published', 'rijm.duckdb'), { readOnly: true });
  try {
    return await read(db);
  } finally {
    db.close();
  }
}

const figureKey = (f: Figure) =>
  `${f.gemeente}|${f.periode}|${f.indicator}|${f.dimensie}|${f.dimensie_waarde}`;

describe('the nightly job end to end on a generated region', () => {
  let dir: string;
  let inbox: string;
  let dataDir: string;
  let manifest: Manifest;
  let first: { code: number; out: string; err: string };
  let second: { code: number; out: string; err: string };
  let deliveries: Delivery[];
  let quarantine: Record<string, unknown>[];
  let figures: Figure[];
  let figuresAfterSecond: Figure[];
  let perioden: string[];
  let runs: { status: string }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rijm-e2e-'));
    inbox = join(dir, 'inbox');
    dataDir = join(dir, 'data');
    const generated = await rijm([
      'generate',
      '--out',
      inbox,
      '--scale',
      '0.02',
      '--seed',
      '20261122',
      '--from',
      '2025',
      '--to',
      '2026',
      '--until',
      '2026-06-30',
    ]);
    expect(generated.err.match(/rijm: .*/)?.[0] ?? '').toBe('');
    expect(generated.code).toBe(0);
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

    const nightly = ['nightly', '--demo', '--pdf', 'no', '--inbox', inbox, '--data-dir', dataDir];
    first = await rijm(nightly);
    [deliveries, quarantine, figures, perioden, runs] = await readPublished(dataDir, async (db) => [
      await db.all<Delivery>(
        `select gemeente, file_name, member_name, file_type, result, reason, records_read::int as records_read,
                records_loaded::int as records_loaded, records_quarantined::int as records_quarantined,
                records_skipped::int as records_skipped
           from meta.deliveries`,
      ),
      await db.all('select gemeente, file_name, member_name, rule from meta.quarantine'),
      await db.all<Figure>(
        `select gemeente, periode, indicator, dimensie, dimensie_waarde, teller::double as teller,
                noemer::double as noemer, waarde::double as waarde
           from marts.indicator_values order by all`,
      ),
      (await db.all<{ periode: string }>('select periode from core.perioden order by 1')).map(
        (r) => r.periode,
      ),
      await db.all<{ status: string }>('select status from meta.runs order by started_at'),
    ]);
    second = await rijm(nightly);
    figuresAfterSecond = await readPublished(dataDir, (db) =>
      db.all<Figure>(
        `select gemeente, periode, indicator, dimensie, dimensie_waarde, teller::double as teller,
                noemer::double as noemer, waarde::double as waarde
           from marts.indicator_values order by all`,
      ),
    );
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completes with exit code 3: the planted faults are rejected, nothing fails', () => {
    expect(first.err.match(/rijm: .*|"level":"error".*/)?.[0] ?? '').toBe('');
    expect(first.code).toBe(3);
    expect(first.out).toMatch(/completed, but deliveries or rows were rejected \(exit code 3\)/);
    expect(runs.map((r) => r.status)).toEqual(['rejected']);
  });

  it('puts every planted fault of the manifest in quarantine or the deliveries, with its rule', () => {
    expect(manifest.faults.length).toBeGreaterThan(10);
    const copyOf = new Map(
      manifest.faults
        .filter((f) => f.rule === 'dubbel_bestand')
        .flatMap((f) => [
          [`${f.gemeente}/${f.file}`, f.value!],
          [`${f.gemeente}/${f.value}`, f.file],
        ]),
    );
    /** A fault in a file delivered twice is in whichever copy was read first. */
    const names = (gemeente: string, file: string) => [file, copyOf.get(`${gemeente}/${file}`)];
    const missing: string[] = [];
    for (const f of manifest.faults) {
      const where = `${f.gemeente}/${f.file}${f.member ? ` › ${f.member}` : ''} ${f.rule}`;
      const sameFile = (r: { gemeente: unknown; file_name: unknown; member_name: unknown }) =>
        r.gemeente === f.gemeente &&
        names(f.gemeente, f.file).includes(String(r.file_name)) &&
        (r.member_name ?? null) === (f.member ?? null);
      const recordRule = RECORD_RULES[f.rule];
      const fileRule = FILE_RULES[f.rule];
      if (recordRule) {
        if (!quarantine.some((q) => sameFile(q as never) && q.rule === recordRule)) missing.push(where);
      } else if (f.rule === 'dubbel_bestand') {
        const pair = deliveries.filter(
          (d) =>
            d.gemeente === f.gemeente && [f.file, f.value].includes(d.file_name) && d.member_name === null,
        );
        if (pair.filter((d) => d.result === 'dubbel').length !== 1) missing.push(where);
      } else if (fileRule) {
        const d = deliveries.find((x) => sameFile(x));
        if (!d || !fileRule.results.includes(d.result) || !fileRule.reason.test(String(d.reason)))
          missing.push(`${where}: ${d ? `${d.result} (${d.reason})` : 'not recorded'}`);
      } else {
        missing.push(`${where}: a rule this test does not know`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names each refused zip member in the summary a person acts on', () => {
    const members = manifest.faults.filter((f) => f.rule === 'namespace_onbekend' && f.member);
    expect(members.length).toBeGreaterThan(0);
    for (const f of members) expect(first.out).toContain(`${f.gemeente} ${f.file} › ${f.member}: rejected`);
  });

  it('reconciles every file and zip member: rows read = loaded + quarantined + skipped', () => {
    expect(deliveries.length).toBeGreaterThan(100);
    const off = deliveries.filter(
      (d) => d.records_read !== d.records_loaded + d.records_quarantined + d.records_skipped,
    );
    expect(off).toEqual([]);
  });

  it('holds every indicator of indicators.md §4, for every gemeente, the region and period as the Rows rule says', () => {
    const have = new Set(figures.map(figureKey));
    const value = new Map(figures.map((f) => [figureKey(f), f.waarde]));
    const gaps: string[] = [];
    expect(perioden).toContain('2025');
    expect(perioden).toContain('2026-H1');
    for (const area of AREAS) {
      for (const periode of perioden) {
        for (const id of COUNTS) {
          if (!have.has(`${area}|${periode}|${id}|totaal|totaal`)) gaps.push(`${area} ${periode} ${id}`);
        }
        for (const [id, base] of Object.entries(SHARES_OF)) {
          const n = value.get(`${area}|${periode}|${base}|totaal|totaal`) ?? 0;
          if (n > 0 && !have.has(`${area}|${periode}|${id}|totaal|totaal`))
            gaps.push(`${area} ${periode} ${id} (${base} = ${n})`);
        }
      }
    }
    expect(gaps).toEqual([]);
    // Every indicator is there for the region, and for every gemeente in some period or cohort.
    const ids = (area: string) => new Set(figures.filter((f) => f.gemeente === area).map((f) => f.indicator));
    expect(INDICATOR_IDS.filter((id) => !ids(REGION).has(id))).toEqual([]);
    const absent = gemeenten.flatMap((g) =>
      INDICATOR_IDS.filter((id) => !ids(g.cbsCode).has(id)).map((id) => `${g.cbsCode} ${id}`),
    );
    // On a region this small some gemeenten have no stay that ended (or none followed for 24 months, or
    // that reached S ≤ 0.5), no trajectory with a stay that started, and no client turning 18: those have
    // no denominator, hence no row.
    const rare =
      /(verblijfsduur_|nog_in_verblijf_|kleinschalig_gezinsgericht|achttien_doorloop|ambulant_verhouding)/;
    expect(absent.filter((a) => !rare.test(a))).toEqual([]);
    // No share, mean or median without a denominator.
    expect(figures.filter((f) => f.noemer === 0)).toEqual([]);
  });

  it('passes every data test and publishes the reports, the research file and the exports', () => {
    expect(first.out).toMatch(/build\s+[\d.]+ s\s+peildatum 2026-06-30, \d+ models, \d+ data tests/);
    // Off a terminal every log line is JSON with the run's id, the ingest's line per file too.
    const runId = /^RIJM nightly run (\S+):/.exec(first.out)?.[1];
    const records = first.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId?: string; event: string });
    expect(records.filter((r) => r.event === 'file_ingested').length).toBeGreaterThan(100);
    expect(records.filter((r) => r.runId !== runId)).toEqual([]);
    const published = join(dataDir, 'published');
    for (const code of AREAS) expect(existsSync(join(published, 'reports', code, 'index.html'))).toBe(true);
    const index = readFileSync(join(published, 'reports', 'index.html'), 'utf8');
    for (const code of AREAS) expect(index).toContain(`${code}/index.html`);
    expect(existsSync(join(published, 'rijm-onderzoek.duckdb'))).toBe(true);
    expect(existsSync(join(published, 'rijm-onderzoek.md'))).toBe(true);
    expect(existsSync(join(published, 'exports', 'csv', `${REGION}.csv`))).toBe(true);
  });

  it('reads each file that departs from its profile, and names the departure in its gemeente’s report', () => {
    expect(manifest.departures.length).toBeGreaterThanOrEqual(4);
    for (const d of manifest.departures) {
      const delivery = deliveries.find((x) => x.gemeente === d.gemeente && x.file_name === d.file);
      expect(delivery?.result, `${d.gemeente}/${d.file}`).toBe('geladen');
      const html = readFileSync(join(dataDir, 'published', 'reports', d.gemeente, 'index.html'), 'utf8');
      const { document } = parseHTML(html);
      const listed = [...document.querySelectorAll('tr')]
        .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))
        .filter(([file, text]) => file === d.file && text?.startsWith('afwijkend van het profiel: '))
        .map(([, text]) => text!.replace('afwijkend van het profiel: ', '').split(' ')[0]);
      expect([...new Set(listed)].sort(), `${d.gemeente}/${d.file}`).toEqual(d.aspects);
    }
  });

  it('draws every chart of the region report, and each funnel table with all eleven gemeenten', () => {
    const html = readFileSync(join(dataDir, 'published', 'reports', REGION, 'index.html'), 'utf8');
    const { document } = parseHTML(html);
    const empty = [...document.querySelectorAll('.melding')].map((el) => el.textContent?.trim());
    expect(empty).toEqual([]);
    // Each chart has figures behind it (shown or suppressed), and is drawn when any of them is shown.
    const charts = [...document.querySelectorAll('figure')];
    expect(charts.length).toBeGreaterThan(10);
    for (const chart of charts) {
      const cells = [...chart.querySelectorAll('.cijfer')];
      expect(cells.length, chart.id).toBeGreaterThan(0);
      if (cells.some((c) => !c.classList.contains('onderdrukt')))
        expect(chart.querySelector('svg'), chart.id).not.toBeNull();
    }
    const funnels = charts.filter((c) => c.id.includes('trechter'));
    expect(funnels.length).toBe(3);
    for (const funnel of funnels) expect(funnel.querySelectorAll('tbody tr').length, funnel.id).toBe(11);
    expect(html).toContain('Hulp gewaardeerd met 7 of hoger: jeugdigen');
    expect(html).toContain('Hulp gewaardeerd met 7 of hoger: ouders');
  });

  it('changes no figure when the same inbox is run again', () => {
    expect(second.code).toBe(0);
    expect(figuresAfterSecond.map(figureKey)).toEqual(figures.map(figureKey));
    // The same counts exactly; values to 12 significant digits, since DuckDB's parallel sums may add in
    // another order (the last bit of a double).
    const changed = figures.filter((f, i) => {
      const g = figuresAfterSecond[i]!;
      const same = (a: number | null, b: number | null) =>
        a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)));
      return f.teller !== g.teller || f.noemer !== g.noemer || !same(f.waarde, g.waarde);
    });
    expect(changed).toEqual([]);
  });
});
