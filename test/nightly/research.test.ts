import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineageColumns } from '../../pipelines/export/research.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { rekeyForResearch } from '../../pipelines/lib/pseudonym.js';
import { runNightly } from '../../pipelines/nightly/run.js';
import { fakeSteps } from './fixtures/fake-steps.mjs';
import { baseFiles, makeRegion, options, query, quietContext, researchKey } from './helpers.js';

describe('the research file', async () => {
  const region = makeRegion(baseFiles);
  const result = await runNightly(options(region), { ...quietContext(), steps: fakeSteps() });
  const pub = dataLayout(region.dataDir).published;
  const research = join(pub, 'rijm-onderzoek.duckdb');
  const operational = join(pub, 'rijm.duckdb');

  it('was published by a successful run', () => {
    expect(result.exitCode).toBe(0);
  });

  it('holds only core and mart tables, without any column that points at a delivery', async () => {
    const tables = await query(
      research,
      "select schema_name || '.' || table_name as t from duckdb_tables() where database_name = current_database() order by t",
    );
    expect(tables.map((r) => r.t)).toEqual(['core.trajecten', 'marts.indicator_values']);
    const columns = await query<{ c: string }>(
      research,
      'select column_name as c from duckdb_columns() where database_name = current_database()',
    );
    const names = columns.map((r) => r.c);
    expect(names).toContain('client_id');
    expect(names.filter((n) => lineageColumns.has(n) || /delivery|file|bestand|archive|sha/.test(n))).toEqual(
      [],
    );
  });

  it('carries research pseudonyms only: no value anywhere equals an operational pseudonym', async () => {
    const ops = (
      await query<{ v: string }>(operational, 'select distinct client_id as v from core.trajecten')
    ).map((r) => r.v);
    expect(ops).toHaveLength(3);
    const res = (
      await query<{ v: string }>(research, 'select distinct client_id as v from core.trajecten')
    ).map((r) => r.v);
    expect(res.sort()).toEqual(ops.map((p) => rekeyForResearch(researchKey, p)).sort());
    // Every text cell of every table, not only client_id: a pseudonym must not hide in another column.
    const cells = await query<{ v: string }>(
      research,
      `select distinct unnest(list_value(gemeente, client_id)) as v from core.trajecten
       union select distinct unnest(list_value(gemeente, periode, indicator, dimensie, dimensie_waarde)) from marts.indicator_values`,
    );
    expect(cells.filter((c) => ops.includes(c.v))).toEqual([]);
    // Same data, same figures: the marts are copied unchanged.
    expect(await query(research, 'select gemeente, waarde from marts.indicator_values order by 1')).toEqual(
      await query(operational, 'select gemeente, waarde from marts.indicator_values order by 1'),
    );
  });

  it('documents every table and column, and has a data dictionary beside it', async () => {
    const undocumented = await query(
      research,
      `select table_name, column_name from duckdb_columns() where database_name = current_database() and coalesce(comment, '') = ''
       union all select table_name, null from duckdb_tables() where database_name = current_database() and coalesce(comment, '') = ''`,
    );
    expect(undocumented).toEqual([]);
    const [c] = await query<{ comment: string }>(
      research,
      "select comment from duckdb_columns() where table_name = 'trajecten' and column_name = 'waarde'",
    );
    expect(c?.comment).toBe('De waarde');
    const dictionary = readFileSync(join(pub, 'rijm-onderzoek.md'), 'utf8');
    expect(dictionary).toContain('## core.trajecten');
    expect(dictionary).toContain('| waarde | INTEGER | De waarde |');
    expect(dictionary).toContain(`door run ${result.runId}, peildatum 2026-11-22`);
    expect(dictionary).not.toContain('delivery_id');
  });
});
