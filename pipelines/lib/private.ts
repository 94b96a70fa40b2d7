/**
 * What holds personal data stays with the account that runs RIJM: the archive of raw deliveries (with
 * their BSNs), the working warehouse, a run's work folder, and the lock. They are made `0700` (folders) and
 * `0600` (files) whatever the umask; and a command that writes them refuses to start when one of them can
 * be read by anyone else, saying how to fix it. The publication (`published/`) has modes of its own.
 *
 * The folder is the boundary: a file inside a `0700` folder cannot be reached by others whatever its own
 * mode, so only the folders and the lock are checked, and RIJM sets its own files to `0600` as it writes.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { RijmError } from './errors.js';
import { type DataLayout, heldLockFile } from './paths.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) if needed and makes it `0700`; parents keep their modes. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes an existing file `0600`. */
export function makePrivateFile(path: string): void {
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** The folders of a data directory that hold personal data. */
export function privateDirs(layout: DataLayout): string[] {
  return [layout.archive, layout.warehouseDir, layout.work];
}

/** The lock files of a data directory. */
export function privateFiles(layout: DataLayout): string[] {
  return [layout.lockFile, heldLockFile(layout.lockFile)];
}

function modeText(mode: number, isDir: boolean): string {
  const bits = 'rwxrwxrwx';
  let out = isDir ? 'd' : '-';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

export interface ExposedPath {
  path: string;
  mode: string;
  isDir: boolean;
}

/** The private folders and files that exist and that the group or others may read, write or enter. */
export function exposedPaths(layout: DataLayout): ExposedPath[] {
  const exposed: ExposedPath[] = [];
  for (const [paths, isDir] of [
    [privateDirs(layout), true],
    [privateFiles(layout), false],
  ] as const) {
    for (const path of paths) {
      if (!existsSync(path)) continue;
      const mode = statSync(path).mode & 0o777;
      if (mode & 0o077) exposed.push({ path, mode: modeText(mode, isDir), isDir });
    }
  }
  return exposed;
}

/**
 * Before a command writes the data directory: refuses when a private folder or the lock is open to
 * others (naming each, and the command that fixes it), then creates the private folders that are missing.
 */
export function preparePrivate(layout: DataLayout): void {
  const exposed = exposedPaths(layout);
  if (exposed.length) {
    const lines = exposed.map((e) => `  ${e.path} is ${e.mode}`);
    const dirs = exposed.filter((e) => e.isDir).map((e) => e.path);
    const files = exposed.filter((e) => !e.isDir).map((e) => e.path);
    const fixes = [
      ...(dirs.length ? [`chmod -R go-rwx ${dirs.join(' ')}`] : []),
      ...(files.length ? [`chmod 600 ${files.join(' ')}`] : []),
    ];
    throw new RijmError(
      [
        'refusing to start: these hold personal data or the lock and can be read by others than the owner:',
        ...lines,
        `Fix: ${fixes.join(' && ')} (and look at who may have read them)`,
      ].join('\n'),
    );
  }
  for (const dir of privateDirs(layout)) makePrivateDir(dir);
}

/** The mode a new file gets under the process's umask (what a file made without RIJM's care would have). */
export function defaultFileMode(): number {
  return 0o666 & ~process.umask();
}
