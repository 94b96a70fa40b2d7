/**
 * Where things are: the project's own files (reference data, SQL models, schemas), found from this module
 * whether it runs from source or from `dist/`, and the layout of a data directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'reference'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`RIJM project root not found above ${start}`);
    dir = parent;
  }
}

/** The folder holding package.json, reference/, sql/ and schemas/. */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const referenceDir = join(projectRoot, 'reference');
export const sqlDir = join(projectRoot, 'sql');
export const warehouseSchemaDir = join(projectRoot, 'schemas', 'warehouse');
export const profilesDir = join(projectRoot, 'profiles');

/** Layout of a data directory (`--data-dir`, default `./data`). */
export interface DataLayout {
  root: string;
  /** The working warehouse the nightly run and `rijm ingest` write to. */
  warehouse: string;
  /** The folder holding it. */
  warehouseDir: string;
  /** Delivered files, by content hash. */
  archive: string;
  reports: string;
  exports: string;
  /** What readers see: the last good warehouse, reports and exports. */
  published: string;
  /** Scratch space for a run in progress. */
  work: string;
  /** Who holds the lock (pid, run id, start): there while a run is busy, or left by one that was killed. */
  lockFile: string;
}

/** The file whose kernel lock is the lock itself (see pipelines/nightly/lock.ts); it stays in place. */
export function heldLockFile(lockFile: string): string {
  return `${lockFile}.duckdb`;
}

export function dataLayout(dataDir: string): DataLayout {
  const root = resolve(dataDir);
  return {
    root,
    warehouse: join(root, 'warehouse', 'rijm.duckdb'),
    warehouseDir: join(root, 'warehouse'),
    archive: join(root, 'archive'),
    reports: join(root, 'reports'),
    exports: join(root, 'exports'),
    published: join(root, 'published'),
    work: join(root, 'work'),
    lockFile: join(root, 'rijm.lock'),
  };
}
