/**
 * What this copy of RIJM is, for `rijm --version`, the run history and the warehouse's migrations: the
 * release (package.json), the commit it was built from, and the warehouse schema version it writes.
 *
 * The commit comes from `dist/COMMIT`, which `npm run build` writes, so an installed copy without its
 * git history still knows it; a copy run from a checkout asks git.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from './paths.js';

let cachedRelease: string | undefined;

/** The release, e.g. `0.2.0`. */
export function release(): string {
  cachedRelease ??= String(
    (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: string }).version ??
      'unknown',
  );
  return cachedRelease;
}

/** The commit this copy was built from (12 hex digits), or `unknown`. */
export function commit(): string {
  // dist/pipelines/lib/version.js → dist/COMMIT
  const stamped = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'COMMIT');
  try {
    const text = readFileSync(stamped, 'utf8').trim();
    if (/^[0-9a-f]{7,40}$/.test(text)) return text;
  } catch {
    // Not built by `npm run build` (tests, a checkout): ask git below.
  }
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}
