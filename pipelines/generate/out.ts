/**
 * The generator's output folder. `rijm generate` defaults to the inbox, so run in the service's working
 * directory it would land on the municipalities' real deliveries: it removes only what it wrote itself,
 * the files a previous generated region lists in its manifest (same name, same bytes), and refuses a
 * folder holding anything else unless told `--force`, which writes beside those files and still never
 * removes or replaces one of them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RijmError } from '../lib/errors.js';

/** What a previous run's manifest says it wrote: `<gemeente>/<name>` → sha256. */
function writtenBefore(manifestPath: string): Map<string, string> | undefined {
  if (!existsSync(manifestPath)) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
  const m = manifest as { generator?: unknown; files?: unknown };
  if (typeof m?.generator !== 'object' || !Array.isArray(m.files)) return undefined;
  const files = new Map<string, string>();
  for (const f of m.files as { gemeente?: unknown; name?: unknown; sha256?: unknown }[]) {
    if (typeof f.gemeente === 'string' && typeof f.name === 'string' && typeof f.sha256 === 'string') {
      files.set(`${f.gemeente}/${f.name}`, f.sha256);
    }
  }
  return files;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under `dir` (not folders), as paths relative to it with `/`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !statSync(join(dir, f)).isDirectory())
    .map((f) => f.split(sep).join('/'))
    .sort();
}

/** Folders under `dir`, deepest first. */
function foldersUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isDirectory())
    .sort((a, b) => b.length - a.length);
}

/**
 * Makes `out` ready for a new region: removes the files of the previous generated region (by its
 * manifest at `manifestPath`) and the folders they leave empty. Throws a RijmError naming a file RIJM did
 * not write, unless `force`. A manifest path holding something else than a generator manifest is never
 * replaced.
 */
export function clearPreviousRegion(out: string, manifestPath: string, force: boolean): void {
  const before = writtenBefore(manifestPath);
  if (existsSync(manifestPath) && !before) {
    throw new RijmError(
      `${manifestPath} exists and is not the manifest of a generated region; RIJM does not replace it: choose another --manifest`,
    );
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new RijmError(`--out ${out} is a file, not a folder`);
  const present = filesUnder(out);
  const ours = present.filter((f) => {
    if (join(out, f) === manifestPath) return true;
    const sha = before?.get(f);
    return sha !== undefined && sha === sha256Of(join(out, f));
  });
  const foreign = present.filter((f) => !ours.includes(f));
  if (foreign.length > 0 && !force) {
    const shown = foreign.slice(0, 3).join(', ');
    const more = foreign.length > 3 ? ` and ${foreign.length - 3} more` : '';
    throw new RijmError(
      `--out ${out} is not empty and holds files RIJM did not generate (${shown}${more}); RIJM never removes them: choose an empty folder, or give --force to write the demo region beside them`,
    );
  }
  for (const f of ours) if (join(out, f) !== manifestPath) rmSync(join(out, f));
  for (const folder of foldersUnder(out)) {
    if (readdirSync(join(out, folder)).length === 0) rmdirSync(join(out, folder));
  }
}

/** The error for a generated file whose name is taken by a file RIJM did not write (with `--force`). */
export function occupied(out: string, path: string): RijmError {
  return new RijmError(
    `${relative(out, path)} in --out ${out} was not written by RIJM; it is left as it is and the region is incomplete: choose an empty folder`,
  );
}
