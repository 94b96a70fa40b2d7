/**
 * Opens a warehouse and makes sure its schemas exist: meta.* and raw.* from schemas/warehouse/*.sql, and
 * ref.* from reference/. Every command that writes starts here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadReference } from '../reference/load.js';
import { type OpenOptions, Warehouse } from './db.js';
import { warehouseSchemaDir } from './paths.js';

/** Runs the DDL of schemas/warehouse in file-name order (every statement is `if not exists`). */
export async function ensureSchemas(db: Warehouse): Promise<void> {
  const files = readdirSync(warehouseSchemaDir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) await db.run(readFileSync(join(warehouseSchemaDir, file), 'utf8'));
}

/**
 * The population file that replaces the demo approximations: `bevolking.csv` in the data directory, which
 * is the parent of the folder holding the warehouse file (`<data-dir>/warehouse/rijm.duckdb`,
 * `<data-dir>/work/…`, `<data-dir>/published/…` all share it).
 */
export function bevolkingFileFor(warehousePath: string): string | undefined {
  if (warehousePath === ':memory:') return undefined;
  const candidate = join(dirname(dirname(warehousePath)), 'bevolking.csv');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Opens a warehouse; unless read-only, creates the meta/raw schemas and (re)loads ref.* — with the
 * population from `options.bevolkingFile`, else from `bevolkingFileFor(path)`, else the demo figures.
 */
export async function openWarehouse(
  path: string,
  options: OpenOptions & { bevolkingFile?: string } = {},
): Promise<Warehouse> {
  const db = await Warehouse.open(path, options);
  if (!options.readOnly) {
    try {
      await ensureSchemas(db);
      const bevolkingFile = options.bevolkingFile ?? bevolkingFileFor(path);
      await loadReference(db, bevolkingFile ? { bevolkingFile } : {});
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}
