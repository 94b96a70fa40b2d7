/**
 * Versions for the colophon: the SQL model version is a hash of every file under sql/, so two reports
 * with the same hash were computed by the same models.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** The first 12 hex digits of a SHA-256 over the sorted relative paths and contents of `dir`. */
export function hashSqlTree(dir: string): string {
  const hash = createHash('sha256');
  const files = listFiles(dir)
    .map((f) => ({ f, rel: relative(dir, f).split(sep).join('/') }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const { f, rel } of files) {
    hash.update(`${rel}\u0000`);
    hash.update(readFileSync(f));
    hash.update('\u0000');
  }
  return hash.digest('hex').slice(0, 12);
}
