import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { buildModels, parsePeildatum } from '../../pipelines/models/index.js';
import { findReferences, orderModels, readModels } from '../../pipelines/models/models.js';
import { buildWith, clock } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes a tiny sql/ tree: { 'core/a.sql': '…' }. */
function sqlTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-sql-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const model = (select: string, columns: string[], extra = '') =>
  [
    '-- @table A test table.',
    '-- @grain one row per x',
    ...columns.map((c) => `-- @column ${c} The ${c}.`),
    extra,
    select,
  ].join('\n');

async function build(dir: string) {
  const db = await Warehouse.open(':memory:');
  try {
    return await buildModels(db, { log: memoryLogger(clock), clock, sqlDir: dir, peildatum: '2025-01-01' });
  } finally {
    db.close();
  }
}

describe('the model runner', () => {
  it('derives the build order from schema.table references, not from file names', async () => {
    const dir = sqlTree({
      'staging/z_bron.sql': model('select 1 as x', ['x']),
      'core/a_laatste.sql': model('select x from core.b_midden', ['x']),
      'core/b_midden.sql': model('select x from staging.z_bron -- not core.a_laatste', ['x']),
      'marts/m.sql': model("select x, 'core.a_laatste' as s from core.a_laatste", ['x', 's']),
    });
    const order = orderModels(readModels(dir)).map((m) => m.name);
    expect(order.indexOf('staging.z_bron')).toBeLessThan(order.indexOf('core.b_midden'));
    expect(order.indexOf('core.b_midden')).toBeLessThan(order.indexOf('core.a_laatste'));
    expect(order.indexOf('core.a_laatste')).toBeLessThan(order.indexOf('marts.m'));
    const summary = await build(dir);
    expect(summary.models.map((m) => m.name)).toEqual(order);
  });

  it('ignores references in comments and string literals', () => {
    expect(findReferences("select 'core.x' as a -- marts.y\nfrom core.z")).toEqual(['core.z']);
  });

  it('names the file when a model refers to a model that does not exist', () => {
    const dir = sqlTree({ 'core/a.sql': model('select * from core.ontbreekt', ['x']) });
    expect(() => orderModels(readModels(dir))).toThrow(/core\/a\.sql: refers to core\.ontbreekt/);
  });

  it('names the files of a dependency cycle', () => {
    const dir = sqlTree({
      'core/a.sql': model('select * from core.b', ['x']),
      'core/b.sql': model('select * from core.a', ['x']),
    });
    expect(() => orderModels(readModels(dir))).toThrow(
      /dependency cycle between models: .*core\/a\.sql → .*core\/b\.sql → .*core\/a\.sql/,
    );
  });

  it('reports a failing model with its file and DuckDB message, and leaves the warehouse unchanged', async () => {
    const dir = sqlTree({
      'core/goed.sql': model('select 1 as x', ['x']),
      'core/stuk.sql': model('select x, geen_kolom from core.goed', ['x']),
    });
    const db = await Warehouse.open(':memory:');
    try {
      await expect(buildModels(db, { log: memoryLogger(clock), clock, sqlDir: dir })).rejects.toThrow(
        /core\/stuk\.sql: model core\.stuk failed: .*geen_kolom/,
      );
      expect(await db.all("select table_name from duckdb_tables() where schema_name = 'core'")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('without the transaction (atomic: false) builds the same models and still fails on a broken one', async () => {
    const dir = sqlTree({
      'core/goed.sql': model('select 1 as x', ['x']),
      'core/ook.sql': model('select x + 1 as y from core.goed', ['y']),
    });
    const db = await Warehouse.open(':memory:');
    try {
      const summary = await buildModels(db, { log: memoryLogger(clock), clock, sqlDir: dir, atomic: false });
      expect(summary.models).toEqual([
        { name: 'core.goed', rows: 1 },
        { name: 'core.ook', rows: 1 },
      ]);
      expect(await db.all('select y from core.ook')).toEqual([{ y: 2 }]);
      expect(await db.one("select comment from duckdb_columns() where table_name = 'ook'")).toEqual({
        comment: 'The y.',
      });
    } finally {
      db.close();
    }
    const broken = sqlTree({ 'core/stuk.sql': model('select geen_kolom', ['geen_kolom']) });
    const db2 = await Warehouse.open(':memory:');
    try {
      await expect(
        buildModels(db2, { log: memoryLogger(clock), clock, sqlDir: broken, atomic: false }),
      ).rejects.toThrow(/core\/stuk\.sql: model core\.stuk failed/);
    } finally {
      db2.close();
    }
  });

  it('refuses a model with an undocumented column', async () => {
    const dir = sqlTree({ 'core/a.sql': model('select 1 as x, 2 as y', ['x']) });
    await expect(build(dir)).rejects.toThrow(/core\/a\.sql: columns without "-- @column": y/);
  });

  it('refuses a model without a grain', () => {
    const dir = sqlTree({ 'core/a.sql': '-- @table T.\n-- @column x X.\nselect 1 as x' });
    expect(() => readModels(dir)).toThrow(/no "-- @grain" line/);
  });

  it('fails the build when a data test fails, listing offending rows', async () => {
    const dir = sqlTree({
      'core/a.sql': model(
        'select * from (values (1, 2), (1, 3), (2, null)) t(k, v)',
        ['k', 'v'],
        '-- @test unique: k\n-- @test not_null: v',
      ),
      'core/a.tests.sql': '-- test: v_klein\nselect * from core.a where v > 2\n',
    });
    const error = await build(dir).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/3 data test\(s\) failed/);
    expect(message).toMatch(/core\/a\.sql: unique\(k\): 1 row\(s\)/);
    expect(message).toContain('{"k":1,"aantal":2}');
    expect(message).toMatch(/not_null\(v\): 1 row\(s\)/);
    expect(message).toMatch(/v_klein: 1 row\(s\), e\.g\.\n\s+\{"k":1,"v":3\}/);
  });

  it('accepts a valid peildatum and refuses anything else', () => {
    expect(parsePeildatum('2024-02-29')).toBe('2024-02-29');
    expect(() => parsePeildatum('2023-02-29')).toThrow(/invalid peildatum/);
    expect(() => parsePeildatum("2024-01-01'; drop table x; --")).toThrow(/invalid peildatum/);
  });

  it('documents every table and column of staging, core and marts', async () => {
    const { db, summary } = await buildWith({}, { peildatum: '2024-06-30' });
    try {
      expect(summary.peildatum).toBe('2024-06-30');
      expect(summary.peildatumBron).toBe('opgegeven');
      const tables = await db.all(
        "select schema_name, table_name from duckdb_tables() where schema_name in ('staging', 'core', 'marts') and coalesce(comment, '') = ''",
      );
      expect(tables).toEqual([]);
      const columns = await db.all(
        "select schema_name, table_name, column_name from duckdb_columns() where schema_name in ('staging', 'core', 'marts') and coalesce(comment, '') = ''",
      );
      expect(columns).toEqual([]);
      const grain = await db.one<{ comment: string }>(
        "select comment from duckdb_tables() where schema_name = 'core' and table_name = 'trajecten'",
      );
      expect(grain?.comment).toMatch(/Grain: one row per trajectory/);
    } finally {
      db.close();
    }
  });
});
