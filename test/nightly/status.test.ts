import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { runNightly } from '../../pipelines/nightly/run.js';
import { formatStatus, readStatus } from '../../pipelines/nightly/status.js';
import { fakeSteps } from './fixtures/fake-steps.mjs';
import { baseFiles, makeRegion, options, quietContext } from './helpers.js';

describe('rijm status', () => {
  it('shows the runs (also failed ones), deliveries per gemeente and who is overdue by their rhythm', async () => {
    const region = makeRegion(baseFiles);
    const ok = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    const layout = dataLayout(region.dataDir);
    appendFileSync(
      join(layout.root, 'runs.jsonl'),
      `${JSON.stringify({ run_id: '20261123T010000Z-ffffff', started_at: '2026-11-23T01:00:00.000Z', ended_at: '2026-11-23T01:00:05.000Z', status: 'failed', peildatum: null, failed_step: 'build', error: 'data test failed', files: 0, rejected_files: 0, rows_loaded: 0, rows_quarantined: 0 })}\n`,
    );
    writeFileSync(
      layout.lockFile,
      JSON.stringify({ pid: 999_999, runId: 'killed-run', startedAt: '2026-11-24T01:00:00Z' }),
    );
    // Fake deliveries are stamped with loaded_at 2026-11-22; GM0193 has a rhythm of 5 days, the rest 31.
    const status = await readStatus(layout, {
      now: new Date('2026-12-01T12:00:00Z'),
      runs: 10,
      rhythm: (code) => (code === 'GM0193' ? 5 : 31),
      isAlive: () => false,
    });
    expect(status.inProgress).toContain('run killed-run (pid 999999');
    expect(status.runs.map((r) => [r.run_id, r.status])).toEqual([
      ['20261123T010000Z-ffffff', 'failed'],
      [ok.runId, 'ok'],
    ]);
    const gm0193 = status.deliveries.find((d) => d.gemeente === 'GM0193');
    expect(gm0193).toMatchObject({
      files: 1,
      rejected: 0,
      lastDelivery: '2026-11-22',
      daysSince: 9,
      overdue: true,
    });
    expect(status.deliveries.find((d) => d.gemeente === 'GM0150')).toMatchObject({
      daysSince: 9,
      overdue: false,
    });
    expect(status.deliveries.filter((d) => d.overdue).map((d) => d.gemeente)).toHaveLength(10);
    const text = formatStatus(status);
    expect(text).toContain('failed at build: data test failed');
    expect(text).toContain('GM0193 Zwolle: last delivery 9 days ago (rhythm 5 days)');
    expect(text).toContain('GM0148 Dalfsen: never delivered (rhythm 31 days)');
  });

  it('says that nothing is published yet on a fresh data directory', async () => {
    const region = makeRegion({});
    const status = await readStatus(dataLayout(region.dataDir), {
      now: new Date(0),
      runs: 10,
      rhythm: () => 31,
    });
    expect(formatStatus(status)).toBe(
      'Nothing published yet: run `rijm nightly` first.\n\nLast runs:\n  (none)',
    );
  });
});
