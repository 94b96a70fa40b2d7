import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildPlacements } from './harness.js';

/** ln(k!) for k = 0..n, summed exactly term by term. */
function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) lf[k] = lf[k - 1]! + Math.log(k);
  return lf;
}

/**
 * The control limit at level q for a proportion with denominator n around p (Spiegelhalter 2005,
 * appendix A.1.1), from the binomial CDF summed over every count 0..n: r = the smallest count with
 * F(r) ≥ q, α = (F(r) − q) / (F(r) − F(r − 1)), limit = (r − α) / n.
 */
function controlLimit(n: number, p: number, q: number): number {
  const lf = logFactorials(n);
  let cdf = 0;
  for (let r = 0; r <= n; r++) {
    const pmf = Math.exp(lf[n]! - lf[r]! - lf[n - r]! + r * Math.log(p) + (n - r) * Math.log(1 - p));
    cdf += pmf;
    if (cdf >= q) {
      const limit = Math.min(1, Math.max(0, (r - (cdf - q) / pmf) / n));
      // A limit never lies on the wrong side of the regional value.
      return q < 0.5 ? Math.min(p, limit) : Math.max(p, limit);
    }
  }
  return 1;
}

/** `aantal` clients with ambulant help in `gemeente`, of whom the first `geplaatst` also had a stay. */
function clients(gemeente: string, aantal: number, geplaatst: number): string {
  return `
    insert into given.trajecten
    select 'A-${gemeente}-' || i, '${gemeente}', '${gemeente}-' || i, '01010101', '02', false,
           date '2024-02-01', null, null, true, 2010, 1
    from range(${aantal}) r(i);
    insert into given.trajecten
    select 'V-${gemeente}-' || i, '${gemeente}', '${gemeente}-' || i, '01010101', '14', true,
           date '2024-03-01', null, null, true, 2010, 1
    from range(${geplaatst}) r(i);`;
}

/** The funnel limits of uithuisgeplaatst_aandeel in 2024 (dimensie totaal), by denominator. */
function limitsOf(db: Warehouse) {
  return db.all<{
    noemer: number;
    regio_waarde: number;
    p95_laag: number;
    p95_hoog: number;
    p998_laag: number;
    p998_hoog: number;
  }>(
    `select noemer, regio_waarde, p95_laag, p95_hoog, p998_laag, p998_hoog from marts.funnel_limits
     where indicator = 'uithuisgeplaatst_aandeel' and periode = '2024' and dimensie = 'totaal' order by noemer`,
  );
}

describe('funnel limits and positions', () => {
  let db: Warehouse;
  // Region: 3000 + 40 + 20 + 5 = 3065 clients, 1000 + 4 + 12 + 1 = 1017 placed.
  const p = 1017 / 3065;
  beforeAll(async () => {
    db = await buildPlacements({
      peildatum: '2024-06-30',
      extraSql: [
        clients('GM0193', 3000, 1000),
        clients('GM0150', 40, 4),
        clients('GM0166', 20, 12),
        clients('GM0148', 5, 1),
      ].join('\n'),
    });
  });
  afterAll(() => db.close());

  it('matches exact binomial quantiles, interpolated, on the whole grid', async () => {
    const limits = await limitsOf(db);
    const ns = limits.map((l) => l.noemer);
    // Every n to 20, then log-spaced up to 1.1 × the largest gemeente, plus the gemeenten's own n.
    expect(ns.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(ns).toContain(40);
    expect(ns).toContain(3000);
    expect(ns.at(-1)).toBe(3300);
    expect(ns.length).toBeGreaterThan(65);
    for (const l of limits) {
      expect(l.regio_waarde).toBeCloseTo(p, 12);
      expect(l.p95_laag).toBeCloseTo(controlLimit(l.noemer, p, 0.025), 9);
      expect(l.p95_hoog).toBeCloseTo(controlLimit(l.noemer, p, 0.975), 9);
      expect(l.p998_laag).toBeCloseTo(controlLimit(l.noemer, p, 0.001), 9);
      expect(l.p998_hoog).toBeCloseTo(controlLimit(l.noemer, p, 0.999), 9);
    }
  });

  it('pins one limit worked out by hand', async () => {
    // n = 2: P(R=0) = (1−p)² = 0.44648, P(R≤1) = 1 − p² = 0.88990. The 97.5% quantile is r = 2
    // (F(1) < 0.975 ≤ F(2) = 1), α = (1 − 0.975) / p² = 0.025 / 0.11010 = 0.22707, limit (2 − α)/2.
    const row = await db.one<{ p95_hoog: number; p95_laag: number }>(
      `select p95_hoog, p95_laag from marts.funnel_limits
       where indicator = 'uithuisgeplaatst_aandeel' and periode = '2024' and noemer = 2`,
    );
    expect(row!.p95_hoog).toBeCloseTo((2 - 0.025 / p ** 2) / 2, 12);
    // The 2.5% quantile is r = 0 (F(0) = 0.446 ≥ 0.025): α = (0.446 − 0.025)/0.446 > 0, limit < 0 → 0.
    expect(row!.p95_laag).toBe(0);
  });

  it('places each gemeente inside, above or below the 95% limits at its own denominator', async () => {
    const posities = await db.all(
      `select gemeente, teller, noemer, positie, buiten_998 from marts.funnel_posities
       where indicator = 'uithuisgeplaatst_aandeel' and periode = '2024' and dimensie = 'totaal' order by gemeente`,
    );
    expect(posities).toEqual([
      // 1/5 = 0.2: well inside the wide funnel of n = 5.
      { gemeente: 'GM0148', teller: 1, noemer: 5, positie: 'binnen', buiten_998: false },
      // 4/40 = 0.10 against p = 0.332: below the 95% limit (0.178 at n = 40) and the 99.8% one (0.104).
      { gemeente: 'GM0150', teller: 4, noemer: 40, positie: 'onder', buiten_998: true },
      // 12/20 = 0.60: above the 95% limit at n = 20 (0.524), inside the 99.8% one (0.647).
      { gemeente: 'GM0166', teller: 12, noemer: 20, positie: 'boven', buiten_998: false },
      // 1000/3000 = 0.333 lies between 0.315 and 0.349.
      { gemeente: 'GM0193', teller: 1000, noemer: 3000, positie: 'binnen', buiten_998: false },
    ]);
    expect(controlLimit(40, p, 0.001)).toBeCloseTo(0.10392, 5);
    expect(controlLimit(20, p, 0.975)).toBeCloseTo(0.52384, 5);
    expect(controlLimit(20, p, 0.999)).toBeCloseTo(0.64696, 5);
  });
});

describe('funnel limits around a rare share', () => {
  let db: Warehouse;
  // Region: 3000 + 40 clients, 30 placed: p ≈ 0.0099, so at n = 1 already F(0) ≈ 0.99 ≥ 0.975.
  const p = 30 / 3040;
  beforeAll(async () => {
    db = await buildPlacements({
      peildatum: '2024-06-30',
      extraSql: [clients('GM0193', 3000, 30), clients('GM0150', 40, 0)].join('\n'),
    });
  });
  afterAll(() => db?.close());

  it('never puts a limit on the wrong side of the regional value, even at n = 1', async () => {
    const limits = await limitsOf(db);
    expect(limits.length).toBeGreaterThan(20);
    for (const l of limits) {
      expect(l.p998_laag).toBeLessThanOrEqual(l.p95_laag);
      expect(l.p95_laag).toBeLessThanOrEqual(l.regio_waarde);
      expect(l.regio_waarde).toBeLessThanOrEqual(l.p95_hoog);
      expect(l.p95_hoog).toBeLessThanOrEqual(l.p998_hoog);
      expect(l.p95_hoog).toBeCloseTo(controlLimit(l.noemer, p, 0.975), 9);
      expect(l.p998_hoog).toBeCloseTo(controlLimit(l.noemer, p, 0.999), 9);
    }
    // n = 1: the exact 97.5% quantile is 0 clients, below p; the limit is the regional value itself.
    expect(limits[0]!.noemer).toBe(1);
    expect(limits[0]!.p95_hoog).toBeCloseTo(p, 12);
  });
});
