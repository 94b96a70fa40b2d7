import { describe, expect, it } from 'vitest';
import { memoryLimitFromEnv, Warehouse } from '../../pipelines/lib/db.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';

describe('RIJM_DUCKDB_MEMORY_LIMIT', () => {
  it('caps the memory DuckDB takes for its buffers', async () => {
    expect(memoryLimitFromEnv({ RIJM_DUCKDB_MEMORY_LIMIT: '1500MB' })).toBe('1500MB');
    expect(memoryLimitFromEnv({})).toBeUndefined();
    const db = await Warehouse.open(':memory:', {
      memoryLimit: memoryLimitFromEnv({ RIJM_DUCKDB_MEMORY_LIMIT: '1.5GiB' }),
    });
    try {
      const row = await db.one<{ v: string }>("select current_setting('memory_limit') as v");
      expect(row?.v).toMatch(/^1\.[45][0-9]* GiB$/);
    } finally {
      db.close();
    }
  });

  it('refuses what is not an amount, naming the variable', () => {
    for (const bad of ['2', 'lots', '2 GB extra', '-1GB']) {
      expect(() => memoryLimitFromEnv({ RIJM_DUCKDB_MEMORY_LIMIT: bad })).toThrow(
        /RIJM_DUCKDB_MEMORY_LIMIT: expected an amount/,
      );
    }
  });
});

describe('openWarehouse', () => {
  it('creates meta, raw and ref schemas with the full reference data', async () => {
    const db = await openWarehouse(':memory:');
    try {
      const counts = await db.all<{ codelijst: string; n: number }>(
        'select codelijst, count(*) as n from ref.codelijsten group by all order by codelijst',
      );
      expect(Object.fromEntries(counts.map((r) => [r.codelijst, r.n]))).toEqual({
        COD046: 3,
        COD327: 7,
        COD467: 4,
        JZ002: 14,
        JZ020: 24,
        JZ588: 11,
        WJ756: 7,
        WMO757: 4,
      });
      expect((await db.one('select count(*) as n from ref.producten'))?.n).toBe(450);
      expect((await db.one('select count(*) as n from ref.gemeenten'))?.n).toBe(11);
      expect(await db.one("select hulpvorm from ref.producten where productcode = '40A01'")).toEqual({
        hulpvorm: '04',
      });
      const pop = await db.one<{ n: number }>(
        'select sum(leeftijd_0_17) as n from ref.bevolking where jaar = 2026',
      );
      expect(pop?.n).toBe(113000);
      const tables = await db.all(
        "select table_name from duckdb_tables() where schema_name = 'ref' and (comment is null or comment = '')",
      );
      expect(tables).toEqual([]);
      const cols = await db.all(
        "select table_name, column_name from duckdb_columns() where schema_name = 'ref' and (comment is null or comment = '')",
      );
      expect(cols).toEqual([]);
      expect(await db.one("select count(*) as n from duckdb_tables() where schema_name = 'raw'")).toEqual({
        n: 7,
      });
    } finally {
      db.close();
    }
  });
});

describe('population figures', () => {
  it('replace the demo approximations with <data-dir>/bevolking.csv when present', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'rijm-'));
    writeFileSync(
      join(dataDir, 'bevolking.csv'),
      'gemeente,jaar,leeftijd_0_17,leeftijd_18_22,bron\nGM0193,2026,26512,9811,CBS 03759ned\n',
    );
    const db = await openWarehouse(join(dataDir, 'warehouse', 'rijm.duckdb'));
    try {
      expect(await db.all('select * from ref.bevolking')).toEqual([
        { gemeente: 'GM0193', jaar: 2026, leeftijd_0_17: 26512, leeftijd_18_22: 9811, bron: 'CBS 03759ned' },
      ]);
    } finally {
      db.close();
    }
  });
});
