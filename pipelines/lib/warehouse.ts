/**
 * Opens a warehouse and brings it to this release's schema: meta.* and raw.* by the migrations of
 * schemas/warehouse (see ./migrations.ts), and ref.* from reference/. Every command that writes starts here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadReference } from '../reference/load.js';
import { type OpenOptions, Warehouse } from './db.js';
import { migrate } from './migrations.js';
import { release } from './version.js';

/** Runs the migrations the warehouse has not had yet (all of them for a new one). */
export async function ensureSchemas(db: Warehouse): Promise<void> {
  await migrate(db, { release: release() });
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
 * Opens a warehouse; unless read-only, migrates its meta/raw schemas and (re)loads ref.* — with the
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
