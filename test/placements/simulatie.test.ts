import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trueStayDuration } from '../../pipelines/generate/catalog.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildPlacements, type IndicatorRow, indicator } from './harness.js';

/** mulberry32: a small seeded generator, so the simulated region is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEILDATUM = '2024-12-31';
const DAY = 86_400_000;
// The demo generator's truth for pleegzorg: log-normal with this median and sigma.
const { medianDays, sigma, mean } = trueStayDuration['11'];

/*
 * 800 stays a year start on uniformly random days from 2019 (when the monitor's data begins) to 2024,
 * each lasting a log-normal number of days; whatever has not ended by the peildatum is open. Long stays
 * are still running, so the stays that *ended* are the short ones: their mean and median underestimate
 * the truth, while Kaplan–Meier uses the open stays as "at least this long".
 */
function simulate(): string {
  const random = seeded(20261123);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const peil = Date.parse(`${PEILDATUM}T00:00:00Z`);
  const values: string[] = [];
  for (let year = 2019; year <= 2024; year++) {
    const first = Date.UTC(year, 0, 1);
    const days = (Date.UTC(year + 1, 0, 1) - first) / DAY;
    for (let i = 0; i < 800; i++) {
      const begin = first + Math.floor(random() * days) * DAY;
      const duration = Math.round(medianDays * Math.exp(sigma * normal()));
      const end = begin + duration * DAY;
      const iso = (t: number) => `date '${new Date(t).toISOString().slice(0, 10)}'`;
      const open = end > peil;
      values.push(
        `('S${year}-${i}', 'GM0193', 'c${year}-${i}', '01010101', '11', true, ${iso(begin)}, ${open ? 'null' : iso(end)}, ${open ? 'null' : "'31'"}, ${open}, 2010, 1)`,
      );
    }
  }
  return `insert into given.trajecten values ${values.join(',\n')}`;
}

describe('Kaplan–Meier against a known truth', () => {
  let db: Warehouse;
  let rows: (name: string) => Promise<Map<string, IndicatorRow>>;
  beforeAll(async () => {
    db = await buildPlacements({ peildatum: PEILDATUM, extraSql: simulate() });
    rows = (name) => indicator(db, name);
  });
  afterAll(() => db.close());

  it('recovers the true median stay while the naive figures of ended stays are biased low', async () => {
    const km = await rows('verblijfsduur_km_mediaan');
    const naiefMediaan = await rows('verblijfsduur_beeindigd_mediaan');
    const naiefGemiddeld = await rows('verblijfsduur_beeindigd_gemiddeld');
    // Cohorts followed long enough to pass the median (600 days) have a KM median near the truth,
    // with the truth inside its 95% interval.
    for (const cohort of ['2019', '2020', '2021', '2022']) {
      const row = km.get(`GM0193|${cohort}|totaal`)!;
      expect(row.noemer).toBe(800);
      expect(Math.abs(row.waarde / medianDays - 1)).toBeLessThan(0.12);
      expect(row.ci_laag!).toBeLessThanOrEqual(medianDays);
      expect(row.ci_hoog!).toBeGreaterThanOrEqual(medianDays);
    }
    // Stays that ended in a year are the short ones: in 2021 at most about two years long.
    expect(naiefMediaan.get('GM0193|2021|totaal')!.waarde).toBeLessThan(0.7 * medianDays);
    // Even after six years of data the mean of ended stays falls clearly short of the true mean.
    expect(naiefGemiddeld.get('GM0193|2024|totaal')!.waarde).toBeLessThan(0.8 * mean);
    // The region is this one gemeente here, so it must agree.
    expect(km.get('IJsselland|2020|totaal')!.waarde).toBe(km.get('GM0193|2020|totaal')!.waarde);
  });

  it('leaves out a median the curve has not reached yet, and follows the log-normal survival', async () => {
    const km = await rows('verblijfsduur_km_mediaan');
    // Stays started in 2024 are followed for less than a year: S has not come down to 0.5.
    expect(km.has('GM0193|2024|totaal')).toBe(false);
    // True S(365) = P(T > 365) = 1 − Φ(ln(365/600)/1) = Φ(0.497) ≈ 0.690.
    const s12 = (await rows('nog_in_verblijf_12m')).get('GM0193|2020|totaal')!;
    expect(Math.abs(s12.waarde - 0.69)).toBeLessThan(0.05);
  });
});
