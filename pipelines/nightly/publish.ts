/**
 * Safe publication. The rules (docs/nachtelijke-run.md says the same for the analysts):
 *
 * 1. A run never writes the working warehouse in place: it copies it to `work/<run id>/` and works on
 *    the copy. Killing the run at any moment leaves `warehouse/rijm.duckdb` as it was.
 * 2. Everything a run publishes is first written completely under `work/` (warehouse checkpointed and
 *    closed, research file, reports, exports), then moved beside its final place under a temporary
 *    name, flushed to disk, and only then renamed into place. A rename within one file system is
 *    atomic: a reader sees either the previous file or the new one, never a half-written one.
 * 3. Files (`rijm.duckdb`, `rijm-onderzoek.duckdb`, `rijm-onderzoek.md`) are renamed over the old ones.
 *    A reader that has the old file open keeps its (now unnamed) inode and is not disturbed; the next
 *    open sees the new file.
 * 4. Directories (`reports/`, `exports/`) are published as `published/.versies/<name>-<run id>/` and a
 *    symbolic link `published/<name>` that is swapped by renaming a new link over it. The previous
 *    version stays on disk until the run after next, so a reader in the middle of a directory finishes.
 * 5. Order: stage everything, then replace the working warehouse, then the published files and links.
 *    A run killed between two renames leaves a working warehouse at most one run ahead of the
 *    publication; the next run starts from it, finds nothing new and publishes the same result.
 */
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { copyFile, type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RijmError } from '../lib/errors.js';
import type { DataLayout } from '../lib/paths.js';

/** Where in the publication a test may pause a run (see `RIJM_TEST_PAUSE_AFTER`). */
export type PublishPoint = 'staged' | 'working';

export const publishedNames = {
  warehouse: 'rijm.duckdb',
  research: 'rijm-onderzoek.duckdb',
  dictionary: 'rijm-onderzoek.md',
  reports: 'reports',
  exports: 'exports',
} as const;

const versionsDir = '.versies';

/** Flushes a file (or a directory entry list) to disk, so a rename after it cannot expose a hole. */
export function syncPath(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    closeSync(fd);
  }
}

async function syncPathAsync(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // As in syncPath: a directory that refuses fsync still renames atomically.
  } finally {
    await handle.close();
  }
}

/** How many fsyncs are in flight at once (the exports are some two thousand small files). */
const SYNC_CONCURRENCY = 16;

/**
 * Flushes every file and folder under `dir`, and `dir` itself, to disk; resolves when all are flushed.
 * One fsync after the other costs about a millisecond each on a journalled file system; many in flight
 * let the file system commit them together, so a tree of exports takes a fraction of that.
 */
async function syncTree(dir: string): Promise<void> {
  const paths: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else paths.push(path);
    }
    paths.push(folder);
  };
  walk(dir);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) await syncPathAsync(paths[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, paths.length) }, worker));
}

/**
 * Copies the working warehouse (and its WAL, which the copy replays when opened) into the run's work
 * folder. Returns false when there is no working warehouse yet (the first run starts empty). Where the
 * file system can (XFS, Btrfs) the copy is a reflink: its own file, copy-on-write, made in an instant;
 * elsewhere it is an ordinary copy.
 */
export function copyWorkingWarehouse(layout: DataLayout, target: string): boolean {
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(layout.warehouse)) return false;
  copyFileSync(layout.warehouse, target, constants.COPYFILE_FICLONE);
  if (existsSync(`${layout.warehouse}.wal`))
    copyFileSync(`${layout.warehouse}.wal`, `${target}.wal`, constants.COPYFILE_FICLONE);
  return true;
}

/** Removes what earlier runs left under `work/` (a killed run cannot clean up after itself). */
export function clearWork(layout: DataLayout): string[] {
  if (!existsSync(layout.work)) return [];
  const left = readdirSync(layout.work);
  for (const name of left) rmSync(join(layout.work, name), { recursive: true, force: true });
  return left;
}

/** What a run hands to `publish`: everything complete and closed, under the run's work folder. */
export interface Staged {
  runId: string;
  /** The run's warehouse, checkpointed and closed. */
  warehouse: string;
  research?: string;
  dictionary?: string;
  reports?: string;
  exports?: string;
}

function tempName(dest: string, runId: string): string {
  return join(dirname(dest), `.${basename(dest)}.${runId}.tmp`);
}

/** Renames `link` to point at `target` (relative to the link's folder) in one atomic step. */
export function swapLink(link: string, target: string): void {
  const tmp = `${link}.tmp-link`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(link);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isSymbolicLink()) {
    // A real folder from before links were used: keep it as a version so the swap can still be a rename.
    const aside = join(dirname(link), versionsDir, `${basename(link)}-eerder`);
    rmSync(aside, { recursive: true, force: true });
    mkdirSync(dirname(aside), { recursive: true });
    renameSync(link, aside);
  }
  renameSync(tmp, link);
  syncPath(dirname(link));
}

function currentTarget(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

/**
 * Publishes one folder on its own (`rijm export`): moves it in as a new version, swaps the link, and
 * removes versions older than the previous one.
 */
export async function publishDirectory(
  layout: DataLayout,
  source: string,
  name: 'reports' | 'exports',
  runId: string,
): Promise<string> {
  const versions = join(layout.published, versionsDir);
  mkdirSync(versions, { recursive: true });
  const version = `${name}-${runId}`;
  renameSync(source, join(versions, version));
  await syncTree(join(versions, version));
  const link = join(layout.published, name);
  const previous = currentTarget(link);
  swapLink(link, join(versionsDir, version));
  const keep = new Set([version, ...(previous ? [basename(previous)] : [])]);
  for (const entry of readdirSync(versions)) {
    if (entry.startsWith(`${name}-`) && !keep.has(entry))
      rmSync(join(versions, entry), { recursive: true, force: true });
  }
  return link;
}

/**
 * Publishes a staged run: see the rules at the top of this module. `pause` lets a test stop the run at a
 * point inside the publication to kill it there.
 */
export async function publish(
  layout: DataLayout,
  staged: Staged,
  pause: (point: PublishPoint) => Promise<void> = async () => undefined,
): Promise<void> {
  const pub = layout.published;
  const versions = join(pub, versionsDir);
  mkdirSync(versions, { recursive: true });
  mkdirSync(dirname(layout.warehouse), { recursive: true });
  if (existsSync(`${staged.warehouse}.wal`)) {
    throw new RijmError(
      `the run's warehouse was not checkpointed before publication: ${staged.warehouse}.wal`,
    );
  }

  // Stage beside the final places, under names no reader opens. The copy of the warehouse is written
  // and flushed while the other files and folders are flushed; all of it is on disk before any rename.
  const files: Array<[string, string]> = [];
  const pubWarehouse = join(pub, publishedNames.warehouse);
  const tmpWarehouse = tempName(pubWarehouse, staged.runId);
  const warehouseCopied = copyFile(staged.warehouse, tmpWarehouse, constants.COPYFILE_FICLONE).then(() =>
    syncPathAsync(tmpWarehouse),
  );
  // Settled at once, so a failure elsewhere never leaves it as an unhandled rejection.
  warehouseCopied.catch(() => undefined);
  files.push([tmpWarehouse, pubWarehouse]);
  for (const [source, name] of [
    [staged.research, publishedNames.research],
    [staged.dictionary, publishedNames.dictionary],
  ] as const) {
    if (!source) continue;
    const dest = join(pub, name);
    const tmp = tempName(dest, staged.runId);
    renameSync(source, tmp);
    syncPath(tmp);
    files.push([tmp, dest]);
  }
  const links: Array<[string, string, string | undefined]> = [];
  for (const [source, name] of [
    [staged.reports, publishedNames.reports],
    [staged.exports, publishedNames.exports],
  ] as const) {
    if (!source) continue;
    const version = `${name}-${staged.runId}`;
    renameSync(source, join(versions, version));
    await syncTree(join(versions, version));
    const link = join(pub, name);
    links.push([link, join(versionsDir, version), currentTarget(link)]);
  }
  await warehouseCopied;
  syncPath(versions);
  syncPath(pub);
  await pause('staged');

  renameSync(staged.warehouse, layout.warehouse);
  syncPath(dirname(layout.warehouse));
  await pause('working');

  for (const [tmp, dest] of files) renameSync(tmp, dest);
  syncPath(pub);
  for (const [link, target] of links) swapLink(link, target);

  // Keep the current and the previous version of each folder; what else is there was left by killed runs.
  const keep = new Set<string>();
  for (const [, target, previous] of links) {
    keep.add(basename(target));
    if (previous) keep.add(basename(previous));
  }
  for (const name of [publishedNames.reports, publishedNames.exports]) {
    const target = currentTarget(join(pub, name));
    if (target) keep.add(basename(target));
  }
  for (const name of readdirSync(versions)) {
    if (!keep.has(name)) rmSync(join(versions, name), { recursive: true, force: true });
  }
  for (const name of readdirSync(pub)) {
    if (name.startsWith('.') && name.endsWith('.tmp') && !name.includes(staged.runId)) {
      rmSync(join(pub, name), { force: true });
    }
  }
}
