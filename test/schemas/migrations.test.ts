/**
 * Schema versions and migrations (pipelines/lib/migrations.ts). The upgrade test builds a warehouse with
 * the DDL of release 0.1.0 (kept in warehouse-0.1.0/, as that release shipped it), fills it with what a
 * load of a small generated region puts in meta.* and raw.* (the columns 0.1.0 had), lets this release
 * open it, and compares it with a fresh load of the same region: the same schema, the same figures.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRegion } from '../../pipelines/generate/region.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import { ident, Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { migrate, readMigrations, schemaVersion, warehouseVersion } from '../../pipelines/lib/migrations.js';
import { warehouseSchemaDir } from '../../pipelines/lib/paths.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { release } from '../../pipelines/lib/version.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { buildModels } from '../../pipelines/models/index.js';

const fixture = join(import.meta.dirname, 'warehouse-0.1.0');
const clock = () => new Date('2026-07-01T02:00:00Z');
const key = new SecretKey('migration-test-pseudonym-key-0123456789', 'pseudonym');

async function columns(db: Warehouse): Promise<unknown[]> {
  return db.all(
    `select schema_name, table_name, column_name, data_type, is_nullable, column_default from duckdb_columns()
     where database_name = current_database() and schema_name in ('meta', 'raw') order by all`,
  );
}

/**
 * The figures of a build. Doubles are compared to 12 significant digits: a sum of doubles that DuckDB
 * adds up in parallel (budgetbenutting) can differ in its last bit from one build of the same data to the
 * next, upgraded or not.
 */
async function figures(db: Warehouse) {
  const round = (v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;
  const rows = async (sql: string) =>
    (await db.all(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])));
  return {
    indicators: await rows('select * from marts.indicator_values order by all'),
    trajecten: await rows('select * from core.trajecten order by all'),
  };
}

describe('warehouse migrations', () => {
  it('are numbered 1, 2, 3, … and keep the files of release 0.1.0 as they were released', () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(schemaVersion()).toBe(migrations.length);
    for (const file of readdirSync(fixture)) {
      // A released migration is never edited: warehouses in use have had it. Add a new numbered file.
      expect(readFileSync(join(warehouseSchemaDir, file), 'utf8'), file).toBe(
        readFileSync(join(fixture, file), 'utf8'),
      );
    }
  });

  it('refuses two files with one number and a gap in the numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-migrations-'));
    for (const f of readdirSync(fixture)) copyFileSync(join(fixture, f), join(dir, f));
    writeFileSync(join(dir, '02_dialect.sql'), 'select 1;');
    expect(() => readMigrations(dir)).toThrow('two migrations with version 2: 02_dialect.sql and 02_raw.sql');
    const gap = mkdtempSync(join(tmpdir(), 'rijm-migrations-'));
    copyFileSync(join(fixture, '01_meta.sql'), join(gap, '01_meta.sql'));
    writeFileSync(join(gap, '03_x.sql'), 'select 1;');
    expect(() => readMigrations(gap)).toThrow('migration 03_x.sql has version 3, expected 2');
  });

  it('records each migration with its release; a second open changes nothing', async () => {
    const db = await openWarehouse(':memory:');
    try {
      const rows = await db.all('select version, name, release from meta.schema_migrations order by version');
      expect(rows).toEqual(
        readMigrations().map((m) => ({ version: m.version, name: m.name, release: release() })),
      );
      expect(await migrate(db)).toEqual({ from: schemaVersion(), to: schemaVersion(), applied: [] });
    } finally {
      db.close();
    }
  });

  it('refuses a warehouse of a later release, and leaves it as it is', async () => {
    const db = await openWarehouse(':memory:');
    try {
      await db.run(`insert into meta.schema_migrations values (99, 'from_the_future', '9.0.0', null)`);
      await expect(migrate(db)).rejects.toThrow(
        `the warehouse :memory: has schema version 99, newer than this release of RIJM writes (${schemaVersion()}): it was written by a later release`,
      );
      expect(await warehouseVersion(db)).toBe(99);
    } finally {
      db.close();
    }
  });

  it('runs the pending migrations in one transaction: one that fails leaves the warehouse as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-migrations-'));
    for (const f of readdirSync(warehouseSchemaDir)) copyFileSync(join(warehouseSchemaDir, f), join(dir, f));
    const next = schemaVersion() + 1;
    writeFileSync(
      join(dir, `${String(next).padStart(2, '0')}_add_note.sql`),
      'alter table meta.runs add column note varchar;',
    );
    writeFileSync(
      join(dir, `${String(next + 1).padStart(2, '0')}_broken.sql`),
      'alter table meta.runs add column note2 varchar;\nalter table meta.nonexistent add column x int;',
    );
    const db = await openWarehouse(':memory:');
    try {
      await expect(migrate(db, { dir })).rejects.toThrow(
        /migration \d+_broken\.sql failed on :memory:: .*nothing was changed/s,
      );
      expect(await warehouseVersion(db)).toBe(schemaVersion());
      const cols = await db.all(
        `select column_name from duckdb_columns() where schema_name = 'meta' and table_name = 'runs' and column_name like 'note%'`,
      );
      expect(cols).toEqual([]);
    } finally {
      db.close();
    }
  });

  describe('upgrading a warehouse of release 0.1.0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-upgrade-'));
    const freshPath = join(dir, 'fresh.duckdb');
    const oldPath = join(dir, 'old.duckdb');

    beforeAll(async () => {
      const inbox = join(dir, 'inbox');
      const log = memoryLogger();
      await generateRegion(
        {
          out: inbox,
          manifest: join(dir, 'manifest.json'),
          seed: 21,
          scale: 0.01,
          from: 2025,
          to: 2026,
          until: '2026-06-30',
        },
        log,
      );
      const fresh = await openWarehouse(freshPath);
      try {
        await ingestInbox(fresh, {
          inbox,
          archiveDir: join(dir, 'archive'),
          key,
          runId: '20260701T020000Z-000000',
          log,
          clock,
        });
        await fresh.checkpoint();
      } finally {
        fresh.close();
      }
      // The warehouse as release 0.1.0 left it: its DDL, run as it ran it, and the rows of its columns.
      mkdirSync(dir, { recursive: true });
      const old = await Warehouse.open(oldPath);
      try {
        for (const f of readdirSync(fixture).sort()) await old.run(readFileSync(join(fixture, f), 'utf8'));
        await old.run(`attach ${`'${freshPath}'`} as fresh (read_only)`);
        const tables = await old.all<{ schema_name: string; table_name: string }>(
          `select schema_name, table_name from duckdb_tables() where database_name = 'old' order by all`,
        );
        expect(tables.length).toBeGreaterThanOrEqual(10);
        for (const t of tables) {
          const cols = await old.all<{ column_name: string }>(
            `select column_name from duckdb_columns() where database_name = 'old' and schema_name = $1 and table_name = $2 order by column_index`,
            [t.schema_name, t.table_name],
          );
          const list = cols.map((c) => ident(c.column_name)).join(', ');
          await old.run(
            `insert into old.${ident(t.schema_name)}.${ident(t.table_name)} (${list})
             select ${list} from fresh.${ident(t.schema_name)}.${ident(t.table_name)}`,
          );
        }
        await old.run('detach fresh');
        expect(Number((await old.one('select count(*) as n from raw.jw301'))?.n)).toBeGreaterThan(100);
        await old.checkpoint();
      } finally {
        old.close();
      }
    }, 120_000);

    it('migrates it in order and records it, and it then has the schema and the figures of a fresh load', async () => {
      const upgraded = await openWarehouse(oldPath);
      const fresh = await openWarehouse(freshPath);
      try {
        expect(
          await upgraded.all('select version, name, release from meta.schema_migrations order by version'),
        ).toEqual(
          readMigrations().map((m) => ({
            version: m.version,
            name: m.name,
            release: m.version <= 2 ? '0.1.0' : release(),
          })),
        );
        expect(await columns(upgraded)).toEqual(await columns(fresh));
        const opts = { peildatum: '2026-06-30', log: memoryLogger(), clock };
        await buildModels(upgraded, opts);
        await buildModels(fresh, opts);
        const [a, b] = [await figures(upgraded), await figures(fresh)];
        expect(a.indicators.length).toBeGreaterThan(100);
        expect(a).toEqual(b);
      } finally {
        upgraded.close();
        fresh.close();
      }
    }, 120_000);
  });
});
