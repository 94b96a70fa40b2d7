import { describe, expect, it } from 'vitest';
import {
  evaluateTargets,
  growth,
  type Results,
  renderMarkdown,
  type ScaleResult,
} from '../../bench/report.js';

function scale(n: number, factor: number): ScaleResult {
  const step = (ms: number, extra = {}) => ({ wallMs: ms * factor, peakRssMb: 200 * factor, ...extra });
  return {
    scale: n,
    seed: 1,
    until: '2026-11-20',
    date: '2026-11-23T20:00:00.000Z',
    commit: 'abc1234',
    loadavg: [1, 1, 1],
    region: {
      files: 100 * n,
      bytes: 2 ** 20 * n,
      tabularCsv: { files: 10, bytes: 2 ** 19 },
      ijw: { files: 90 * n, bytes: 2 ** 19 * n },
      night: { files: 3, bytes: 1000 },
    },
    steps: {
      ingest_tabular: step(2000, { rows: 10_000 * n }),
      baseline_read_csv: step(1500),
      baseline_node_csv: step(1000, { extrapolatedWallMs: 30_000 * factor, note: '10% of the bytes' }),
      ingest_ijw: step(10_000, { messages: 5000 * n }),
      baseline_saxes: step(4000),
      build: step(8000, { slowest: [{ model: 'core.trajecten', ms: 3000 }] }),
      nightly_full: step(50_000, { steps: { ingest: 30_000 * factor, build: 9000 * factor } }),
      nightly_usual: step(9000),
    },
  };
}

const results: Results = {
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    node: 'v20',
    duckdb: '1.5',
    platform: 'linux x64',
    memoryMethod: '/usr/bin/time -f %M',
  },
  scales: [scale(1, 1), scale(2, 2.5)],
};

describe('the benchmark report', () => {
  it('evaluates every target on the figures, extrapolated baselines included', () => {
    const targets = Object.fromEntries(evaluateTargets(results).map((t) => [t.name, t]));
    expect(targets['scale 1: tabular ingest ≥ 0.5× the speed of bare read_csv']).toMatchObject({
      value: '0.75×',
      met: true,
    });
    expect(targets['scale 1: tabular ingest ≥ 10× the obvious Node way']).toMatchObject({
      value: '15.0×',
      met: true,
    });
    expect(targets['scale 1: iJw ingest ≥ 0.5× the speed of saxes alone']).toMatchObject({ met: false });
    expect(targets['scale 1: full nightly < 60 s']).toMatchObject({ met: true });
    expect(targets['scale 10: full nightly < 15 min, peak memory < 4 GiB']).toMatchObject({ met: null });
  });

  it('computes the slope from the smallest to the largest scale (1 is linear)', () => {
    const g = growth(results);
    expect(g?.from).toBe(1);
    expect(g?.to).toBe(2);
    expect(g?.slopes.ingest_tabular).toBeCloseTo(1.25);
    // The steps inside the full nightly run count too, from its log.
    expect(g?.slopes['nightly_full.ingest']).toBeCloseTo(1.25);
    expect(g?.slopes['nightly_full.reports']).toBeUndefined();
  });

  it('writes the machine, the commit, the tables and the notes', () => {
    const md = renderMarkdown(results, '## Why\n\nBecause.');
    expect(md).toContain('Machine: Test CPU, 2 cores');
    expect(md).toContain('`abc1234`');
    expect(md).toContain('| ↳ baseline: csv-parse + zod + row inserts | 30.0* |');
    expect(md).toContain('Slowest models: `core.trajecten` 3.00 s.');
    expect(md).toContain('## Why');
  });
});
