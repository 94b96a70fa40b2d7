import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildPlacements, type IndicatorRow, indicator, type Traject } from './harness.js';

const PEILDATUM = '2024-03-31';

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A stay that ended after `days` days. */
const ended = (client: string, begin: string, days: number, gemeente = 'GM0193'): Traject => ({
  gemeente,
  client,
  hulpvorm: '14',
  begin,
  eind: addDays(begin, days),
});

/** A stay still running at the peildatum, `days` days after its start (so censored at `days`). */
const open = (client: string, days: number, gemeente = 'GM0193'): Traject => ({
  gemeente,
  client,
  hulpvorm: '11',
  begin: addDays(PEILDATUM, -days),
  eind: null,
});

/*
 * The worked example, cohort 2023 in Zwolle (peildatum 2024-03-31):
 *
 *   stay   duration  status
 *   E1     100       ended
 *   C1     200       open (censored)
 *   E2     300       ended
 *   E3     300       ended
 *   C2     400       open (censored)
 *   E4     420       ended
 *
 *   day  at risk n  ended d  censored  S(t)                    Greenwood sum Σ d/(n(n−d))
 *     0      6         0        0      1                       0
 *   100      6         1        0      1 · (1 − 1/6) = 5/6     1/(6·5) = 1/30
 *   200      5         0        1      5/6                     1/30
 *   300      4         2        0      5/6 · (1 − 2/4) = 5/12  1/30 + 2/(4·2) = 17/60
 *   400      2         0        1      5/12                    17/60
 *   420      1         1        0      5/12 · (1 − 1/1) = 0    (n = d: left out; S = 0)
 *
 * KM median: the first day with S ≤ 0.5 is 300 (S(200) = 0.833, S(300) = 0.417).
 * Log-log band: S^exp(±z·√sum / |ln S|), z = 1.959964.
 *   day 100: ln(5/6) = −0.182322, √(1/30) = 0.182574, sd = 1.001386, exp(z·sd) = 7.11838,
 *            lower = (5/6)^7.11838 = exp(−1.29783) = 0.27312 ≤ 0.5, so the median's interval starts at 100.
 *   day 300: ln(5/12) = −0.875469, √(17/60) = 0.532291, sd = 0.608006, exp(−z·sd) = 0.303713,
 *            upper = (5/12)^0.303713 = exp(−0.265892) = 0.76652 > 0.5, so it does not end at 300;
 *   day 420: S = 0, band 0: the interval ends at 420.  Median 300, 95% CI [100, 420].
 * Still in stay after 183 days: S(100) = 5/6; after 365: S(300) = 5/12; after 730: no stay of the cohort
 * was followed that long (the longest, E4, ended at 420), so no figure.
 * Naive figures over stays ended in 2023: E1, E2, E3 ended in 2023 (durations 100, 300, 300): mean
 * 233.33, median 300; in 2024 only E4 (420).
 */
const zwolle: Traject[] = [
  ended('E1', '2023-01-01', 100),
  open('C1', 200),
  ended('E2', '2023-01-01', 300),
  ended('E3', '2023-02-01', 300),
  open('C2', 400),
  ended('E4', '2023-01-01', 420),
];

// Dalfsen: 2 stays in 2023, one ended after 50 days: S(50) = 1/2 exactly, which is the median.
// Deventer: 3 stays, one ended: S = 2/3 at most, so no median (but shares still in stay do exist).
const dalfsen: Traject[] = [ended('D1', '2023-03-01', 50, 'GM0148'), open('D2', 300, 'GM0148')];
const deventer: Traject[] = [
  ended('V1', '2023-03-01', 30, 'GM0150'),
  open('V2', 300, 'GM0150'),
  open('V3', 400, 'GM0150'),
];

describe('Kaplan–Meier stay duration', () => {
  let db: Warehouse;
  let rows: (name: string) => Promise<Map<string, IndicatorRow>>;
  beforeAll(async () => {
    db = await buildPlacements({ peildatum: PEILDATUM, trajecten: [...zwolle, ...dalfsen, ...deventer] });
    rows = (name) => indicator(db, name);
  });
  afterAll(() => db.close());

  it('censors open stays at the peildatum and steps S(t) down only at ends', async () => {
    const curve = await db.all(
      `select dag, at_risk, events, censored, overleving, se_greenwood from marts.verblijfsduur_curve
       where gemeente = 'GM0193' and cohort = '2023' order by dag`,
    );
    expect(curve.map((r) => [r.dag, r.at_risk, r.events, r.censored])).toEqual([
      [0, 6, 0, 0],
      [100, 6, 1, 0],
      [200, 5, 0, 1],
      [300, 4, 2, 0],
      [400, 2, 0, 1],
      [420, 1, 1, 0],
    ]);
    const s = curve.map((r) => r.overleving as number);
    for (const [i, expected] of [1, 5 / 6, 5 / 6, 5 / 12, 5 / 12, 0].entries()) {
      expect(s[i]).toBeCloseTo(expected, 12);
    }
    // Greenwood: se(300) = 5/12 · √(17/60)
    expect(curve[3]!.se_greenwood).toBeCloseTo((5 / 12) * Math.sqrt(17 / 60), 12);
    const episodes = await db.all(
      "select client_id, is_open, einddatum from core.verblijfsepisodes where client_id like 'C%' order by 1",
    );
    expect(episodes).toEqual([
      { client_id: 'C1', is_open: true, einddatum: null },
      { client_id: 'C2', is_open: true, einddatum: null },
    ]);
  });

  it('gives the KM median with its Brookmeyer–Crowley interval on the log-log band', async () => {
    const band = await db.one<{ laag: number; hoog: number }>(
      "select ci_laag as laag, ci_hoog as hoog from marts.verblijfsduur_curve where gemeente = 'GM0193' and dag = 300",
    );
    expect(band!.hoog).toBeCloseTo(0.76652, 5);
    const laag100 = await db.one<{ laag: number }>(
      "select ci_laag as laag from marts.verblijfsduur_curve where gemeente = 'GM0193' and dag = 100",
    );
    expect(laag100!.laag).toBeCloseTo(0.27312, 5);

    const mediaan = await rows('verblijfsduur_km_mediaan');
    expect(mediaan.get('GM0193|2023|totaal')).toMatchObject({
      teller: null,
      noemer: 6,
      waarde: 300,
      ci_laag: 100,
      ci_hoog: 420,
    });
    // S(50) = 1/2 meets "S ≤ 0.5" (with the 1e-9 tolerance).
    expect(mediaan.get('GM0148|2023|totaal')).toMatchObject({ noemer: 2, waarde: 50 });
    // S never reaches 0.5: no median row.
    expect(mediaan.has('GM0150|2023|totaal')).toBe(false);
  });

  it('gives the share still in stay after 6, 12 and 24 months', async () => {
    const at = async (name: string, key: string) => (await rows(name)).get(key)?.waarde;
    expect(await at('nog_in_verblijf_6m', 'GM0193|2023|totaal')).toBeCloseTo(5 / 6, 12);
    expect(await at('nog_in_verblijf_12m', 'GM0193|2023|totaal')).toBeCloseTo(5 / 12, 12);
    expect(await at('nog_in_verblijf_24m', 'GM0193|2023|totaal')).toBeUndefined();
    // Deventer: S = 2/3 after day 30, followed up to day 400: known at 183 and 365, not at 730.
    expect(await at('nog_in_verblijf_12m', 'GM0150|2023|totaal')).toBeCloseTo(2 / 3, 12);
    expect(await at('nog_in_verblijf_24m', 'GM0150|2023|totaal')).toBeUndefined();
    const zesMaanden = (await rows('nog_in_verblijf_6m')).get('GM0193|2023|totaal')!;
    expect(zesMaanden.ci_laag).toBeCloseTo(0.27312, 5);
    expect(zesMaanden.noemer).toBe(6);
  });

  it('pools the region and puts the naive figures of ended stays beside the KM figures', async () => {
    const regio = await db.one(
      "select at_risk, events, censored from marts.verblijfsduur_curve where gemeente = 'IJsselland' and cohort = '2023' and dag = 0",
    );
    expect(regio).toEqual({ at_risk: 11, events: 0, censored: 0 });
    const gemiddeld = await rows('verblijfsduur_beeindigd_gemiddeld');
    const mediaan = await rows('verblijfsduur_beeindigd_mediaan');
    expect(gemiddeld.get('GM0193|2023|totaal')).toMatchObject({ noemer: 3, ci_laag: null });
    expect(gemiddeld.get('GM0193|2023|totaal')!.waarde).toBeCloseTo(700 / 3, 12);
    expect(mediaan.get('GM0193|2023|totaal')!.waarde).toBe(300);
    expect(mediaan.get('GM0193|2024|totaal')).toMatchObject({ noemer: 1, waarde: 420 });
    // Region 2023: Zwolle 100, 300, 300, Dalfsen 50, Deventer 30 → median 100, mean 156.
    expect(mediaan.get('IJsselland|2023|totaal')).toMatchObject({ noemer: 5, waarde: 100 });
    expect(gemiddeld.get('IJsselland|2023|totaal')!.waarde).toBeCloseTo(156, 12);
    // No stay ended in Zwolle in 2023-H1 after E1 (April): one value; none at all in Kampen → no row.
    expect(gemiddeld.get('GM0193|2023-H1|totaal')).toMatchObject({ noemer: 1, waarde: 100 });
    expect(gemiddeld.has('GM0166|2023|totaal')).toBe(false);
  });
});

describe('a Kaplan–Meier median a gemeente has and the region lacks', () => {
  let db: Warehouse | undefined;
  afterAll(() => db?.close());

  it('builds, with the data tests passing, when only a small gemeente reaches S ≤ 0.5', async () => {
    // Cohort 2023: Dalfsen 1 of 2 stays ended (S = 1/2, median 50); Zwolle 10 stays all open, so the
    // region's S never drops below 11/12 and it has no median.
    const zwolleOpen = Array.from({ length: 10 }, (_, i) => open(`Z${i}`, 400));
    db = await buildPlacements({ peildatum: PEILDATUM, trajecten: [...dalfsen, ...zwolleOpen] });
    const mediaan = await indicator(db, 'verblijfsduur_km_mediaan');
    expect(mediaan.get('GM0148|2023|totaal')).toMatchObject({ noemer: 2, waarde: 50 });
    expect(mediaan.has('IJsselland|2023|totaal')).toBe(false);
  });
});
