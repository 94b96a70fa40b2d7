/**
 * The warehouse schema, versioned. Every file `schemas/warehouse/NN_name.sql` is one migration, with
 * version NN; the numbers run 1, 2, 3, … without gaps. A warehouse records each migration it has had in
 * `meta.schema_migrations` (version, name, release, time). Opening a warehouse for writing runs the ones
 * it has not had, in order, in one transaction: all of them or none. A warehouse with a version higher
 * than the code knows was written by a later release and is refused, never changed.
 *
 * Release 0.1.0 had no versions: it ran 01_meta.sql and 02_raw.sql (then the whole schema) on every open.
 * A warehouse with meta.deliveries and no meta.schema_migrations is one of those, at version 2.
 *
 * A schema change is one new file with the next number: `alter table … add column if not exists …`, a
 * `create table if not exists …`, or an update that fills a new column from the old ones. A file already
 * released is never edited: warehouses in use have had it. docs/nachtelijke-run.md says the same for
 * operators, and test/schemas/migrations.test.ts upgrades a warehouse of release 0.1.0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { RijmError } from './errors.js';
import { warehouseSchemaDir } from './paths.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
}

/** What release 0.1.0 ran without recording it: versions 1 and 2. */
export const VERSION_OF_0_1_0 = 2;

/** The migrations in `dir`, in order; throws when their numbers repeat or leave a gap. */
export function readMigrations(dir: string = warehouseSchemaDir): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) {
      throw new RijmError(
        `${join(dir, file)}: a migration is named NN_name.sql (a number, then lower-case letters, digits, _)`,
      );
    }
    migrations.push({
      version: Number(m[1]),
      name: m[2]!,
      file,
      sql: readFileSync(join(dir, file), 'utf8'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) {
      const other = migrations.find((o) => o !== m && o.version === m.version);
      throw new RijmError(
        other
          ? `${dir}: two migrations with version ${m.version}: ${other.file} and ${m.file} (give the newer one the next number)`
          : `${dir}: migration ${m.file} has version ${m.version}, expected ${i + 1} (the numbers run 1, 2, 3, … without gaps)`,
      );
    }
  }
  return migrations;
}

/** The schema version this release writes: the number of its last migration. */
export function schemaVersion(dir: string = warehouseSchemaDir): number {
  return readMigrations(dir).at(-1)?.version ?? 0;
}

async function hasTable(db: Warehouse, schema: string, table: string): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `select count(*) as n from duckdb_tables() where database_name = current_database()
     and schema_name = $1 and table_name = $2`,
    [schema, table],
  );
  return Number(row?.n ?? 0) > 0;
}

interface Applied {
  version: number;
  name: string;
}

/** The migrations a warehouse has had: recorded, or those of release 0.1.0, or none (a new one). */
export async function appliedMigrations(db: Warehouse): Promise<{ applied: Applied[]; recorded: boolean }> {
  if (await hasTable(db, 'meta', 'schema_migrations')) {
    const applied = await db.all<Applied & Record<string, unknown>>(
      'select version, name from meta.schema_migrations order by version',
    );
    return {
      applied: applied.map((a) => ({ version: Number(a.version), name: String(a.name) })),
      recorded: true,
    };
  }
  if (await hasTable(db, 'meta', 'deliveries')) {
    return {
      applied: [
        { version: 1, name: 'meta' },
        { version: 2, name: 'raw' },
      ],
      recorded: false,
    };
  }
  return { applied: [], recorded: false };
}

/** The schema version of an open warehouse (0 for a new one). */
export async function warehouseVersion(db: Warehouse): Promise<number> {
  return (await appliedMigrations(db)).applied.at(-1)?.version ?? 0;
}

export interface MigrateOptions {
  dir?: string;
  release?: string;
  clock?: () => Date;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the warehouse to this release's schema: runs every migration it has not had, in order, in one
 * transaction, and records them. Refuses a warehouse of a later release, or one whose recorded
 * migrations are not this release's.
 */
export async function migrate(db: Warehouse, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const latest = migrations.at(-1)?.version ?? 0;
  const { applied, recorded } = await appliedMigrations(db);
  const from = applied.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new RijmError(
      `the warehouse ${db.path} has schema version ${from}, newer than this release of RIJM writes (${latest}): ` +
        'it was written by a later release. Run that release (or a later one) on it; this one leaves it as it is.',
    );
  }
  for (const a of applied) {
    const m = migrations[a.version - 1];
    if (m && m.name !== a.name) {
      throw new RijmError(
        `the warehouse ${db.path} has had migration ${a.version} "${a.name}", but this release's migration ` +
          `${a.version} is "${m.name}" (${m.file}): it was written by another version of RIJM, not an earlier release of this one`,
      );
    }
  }
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0 && recorded) return { from, to: from, applied: [] };

  const at = (options.clock ?? (() => new Date()))().toISOString().slice(0, 23).replace('T', ' ');
  const release = options.release ?? null;
  await db.transaction(async () => {
    await db.run(`create schema if not exists meta;
      create table if not exists meta.schema_migrations (
        version     integer primary key,   -- the number of schemas/warehouse/NN_name.sql
        name        varchar not null,      -- its name
        release     varchar,               -- the RIJM release that ran it (0.1.0: found, not run)
        applied_at  timestamp              -- UTC
      )`);
    if (!recorded) {
      for (const a of applied) {
        await db.run('insert into meta.schema_migrations values ($1, $2, $3, null)', [
          a.version,
          a.name,
          '0.1.0',
        ]);
      }
    }
    for (const m of pending) {
      try {
        await db.run(m.sql);
      } catch (error) {
        throw new RijmError(
          `migration ${m.file} failed on ${db.path}: ${(error as Error).message} (nothing was changed)`,
          { cause: error },
        );
      }
      await db.run('insert into meta.schema_migrations values ($1, $2, $3, $4::timestamp)', [
        m.version,
        m.name,
        release,
        at,
      ]);
    }
  });
  return { from, to: latest, applied: pending.map((m) => m.file) };
}
