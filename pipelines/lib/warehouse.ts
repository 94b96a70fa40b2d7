/**
 * Opens a warehouse and makes sure its schemas exist: meta.* and raw.* from schemas/warehouse/*.sql, and
 * ref.* from reference/. Every command that writes starts here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

export async function openWarehouse(
  path: string,
  options: OpenOptions & { bevolkingFile?: string } = {},
): Promise<Warehouse> {
  const db = await Warehouse.open(path, options);
  if (!options.readOnly) {
    await ensureSchemas(db);
    await loadReference(db, options.bevolkingFile ? { bevolkingFile: options.bevolkingFile } : {});
  }
  return db;
}
