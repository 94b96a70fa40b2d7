import { describe, expect, it } from 'vitest';
import { periodAxis } from '../../reports/charts.js';

const halfjaren = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => [`${from + i}-H1`, `${from + i}-H2`]).flat();

describe('the half-year axis of the trend charts', () => {
  it('labels every half-year while they fit', () => {
    const axis = periodAxis(halfjaren(2024, 2026));
    expect(axis.ticks).toBeUndefined();
    expect((axis.tickFormat as (p: string) => string)('2025-H2')).toBe('2e hj 2025');
  });

  it('labels one tick per year when eight years of half-years would print over each other', () => {
    const periodes = halfjaren(2015, 2026).slice(1);
    const axis = periodAxis(periodes);
    expect(axis.domain).toEqual(periodes);
    expect(axis.ticks).toEqual(['2015-H2', ...halfjaren(2016, 2026).filter((p) => p.endsWith('H1'))]);
    expect((axis.tickFormat as (p: string) => string)('2019-H1')).toBe('2019');
  });
});
