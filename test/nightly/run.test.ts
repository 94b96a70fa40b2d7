import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { readJournal } from '../../pipelines/nightly/journal.js';
import { formatSummary, makeRunId, runNightly } from '../../pipelines/nightly/run.js';
import { fakeSteps } from './fixtures/fake-steps.mjs';
import { addFile, baseFiles, makeRegion, options, query, quietContext } from './helpers.js';

describe('runNightly', () => {
  it('makes a run id from the UTC start time and a random suffix', () => {
    expect(makeRunId(new Date('2026-11-22T01:02:03.456Z'), 'a1b2c3')).toBe('20261122T010203Z-a1b2c3');
  });

  it('exits 0 and publishes warehouse, research file, dictionary, reports and exports when all loaded', async () => {
    const region = makeRegion(baseFiles);
    const result = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    expect(result.status).toBe('ok');
    expect(result.exitCode).toBe(0);
    expect(result.steps.map((s) => s.step)).toEqual([
      'discover',
      'ingest',
      'build',
      'reports',
      'exports',
      'publish',
    ]);
    const layout = dataLayout(region.dataDir);
    const pub = layout.published;
    for (const name of ['rijm.duckdb', 'rijm-onderzoek.duckdb', 'rijm-onderzoek.md', 'reports/index.html']) {
      expect(existsSync(join(pub, name)), name).toBe(true);
    }
    expect(readlinkSync(join(pub, 'exports'))).toBe(`.versies/exports-${result.runId}`);
    expect(existsSync(join(pub, 'exports', 'arrow', 'indicator_values.arrow'))).toBe(true);
    expect(
      existsSync(join(pub, 'exports', 'parquet', 'indicator_values', 'gemeente=GM0193', 'jaar=2026')),
    ).toBe(true);
    const runs = await query(
      join(pub, 'rijm.duckdb'),
      'select run_id, status, peildatum, ended_at is not null as ended from meta.runs',
    );
    expect(runs).toEqual([{ run_id: result.runId, status: 'ok', peildatum: '2026-11-22', ended: true }]);
    // The working warehouse is the run's copy, and nothing is left under work/ or beside the lock.
    expect(await query(layout.warehouse, 'select sum(waarde) as s from marts.indicator_values')).toEqual([
      { s: 23 },
    ]);
    expect(existsSync(join(layout.work, result.runId))).toBe(false);
    expect(existsSync(layout.lockFile)).toBe(false);
  });

  it('exits 3 and names what was rejected when a file or rows are rejected, and still publishes', async () => {
    const region = makeRegion({ ...baseFiles, 'GM0193/bad_1.csv': 'x', 'GM0150/b.csv': '222333445;veel\n' });
    const result = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    expect(result.exitCode).toBe(3);
    expect(result.status).toBe('rejected');
    expect(result.rejectedDeliveries.map((d) => `${d.gemeente} ${d.file_name} ${d.result}`)).toEqual([
      'GM0150 b.csv deels_afgewezen',
      'GM0193 bad_1.csv afgewezen',
    ]);
    expect(result.quarantine).toEqual([{ gemeente: 'GM0150', rule: 'getal_ongeldig', n: 1 }]);
    const summary = formatSummary(result);
    expect(summary).toContain('completed, but deliveries or rows were rejected (exit code 3)');
    expect(summary).toContain('GM0193 bad_1.csv: rejected: “geen CSV”');
    expect(summary).toContain('GM0150: 1 row(s) in quarantine, rule getal_ongeldig');
    const [run] = await query<{ summary: string }>(
      join(dataLayout(region.dataDir).published, 'rijm.duckdb'),
      'select summary::varchar as summary from meta.runs',
    );
    expect(JSON.parse(run!.summary).perGemeente.GM0193).toEqual({
      files: 2,
      rejectedFiles: 1,
      rowsLoaded: 2,
      rowsQuarantined: 0,
    });
  });

  it.each(['ingest', 'build', 'reports'])(
    'exits 1 when %s fails, publishes nothing and leaves the working warehouse as it was',
    async (failAt) => {
      const region = makeRegion(baseFiles);
      const layout = dataLayout(region.dataDir);
      const first = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
      expect(first.exitCode).toBe(0);
      const before = {
        working: readFileSync(layout.warehouse),
        published: readFileSync(join(layout.published, 'rijm.duckdb')),
        exports: readlinkSync(join(layout.published, 'exports')),
      };
      addFile(region.inbox, 'GM0193/c.csv', '111222335;100\n');
      const failed = await runNightly(options(region), {
        ...quietContext(),
        randomSuffix: () => 'def456',
        steps: fakeSteps({ failAt }),
      });
      expect(failed.exitCode).toBe(1);
      expect(failed.failedStep).toBe(failAt);
      expect(failed.error).toBe(`fake ${failAt} failure`);
      expect(formatSummary(failed)).toContain(`FAILED at step ${failAt}`);
      expect(readFileSync(layout.warehouse).equals(before.working)).toBe(true);
      expect(readFileSync(join(layout.published, 'rijm.duckdb')).equals(before.published)).toBe(true);
      expect(readlinkSync(join(layout.published, 'exports'))).toBe(before.exports);
      expect(existsSync(layout.lockFile)).toBe(false);
      const journal = readJournal(layout);
      expect(journal.map((j) => j.status)).toEqual(['ok', 'failed']);
      expect(journal[1]).toMatchObject({
        failed_step: failAt,
        step: failAt,
        exit_code: 1,
        error: `fake ${failAt} failure`,
      });
    },
  );

  it('fails with exit 1 naming the inbox when it does not exist', async () => {
    const region = makeRegion({});
    const result = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
    expect(result.exitCode).toBe(1);
    expect(result.error).toBe(`the inbox does not exist: ${region.inbox}`);
  });
});
