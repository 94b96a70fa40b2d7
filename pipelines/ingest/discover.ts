/**
 * Finds what the municipalities delivered: `<inbox>/<CBS code>/<file>` (delivery.md §2). Classifies each
 * file by the first word of its name (§3) or the profile's file patterns. Folders that are not one of the
 * eleven municipalities, and files directly in the inbox, are reported as refused, never silently skipped.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Profile } from '../../schemas/profile.js';
import { RijmError } from '../lib/errors.js';
import { findGemeente, type Gemeente, gemeenteByCbsCode } from '../lib/gemeenten.js';
import type { FileType } from './types.js';

export interface FoundFile {
  /** The gemeente of the folder; undefined for a folder that is not one of the eleven. */
  gemeente: Gemeente | undefined;
  folder: string;
  path: string;
  name: string;
  type: FileType;
  size: number;
  mtime: Date;
  fileDate: string | null;
  /** Why the file is refused without being read (a symbolic link), when it is. */
  refusal?: string;
}

/** A symbolic link could point anywhere (another gemeente's folder, a system file): it is never followed. */
const SYMLINK_REFUSAL =
  'symbolische koppeling: niet gevolgd; lever het bestand zelf in de map van de gemeente';

/** The file's type from its name (delivery.md §3), with the profile's patterns first when given. */
export function classifyFile(name: string, profile?: Profile): FileType {
  const base = name.split('/').pop() ?? name;
  for (const [type, pattern] of Object.entries(profile?.filePatterns ?? {})) {
    if (pattern && new RegExp(pattern, 'i').test(base)) return type as FileType;
  }
  const lower = base.toLowerCase();
  if (/^uitkomsten[_\-. ]/.test(lower)) return 'uitkomsten';
  if (/^clientbestand[_\-. ]/.test(lower)) return 'clientbestand';
  if (/^ijw[_\-. ]/.test(lower) || lower.endsWith('.xml') || lower.endsWith('.zip')) return 'ijw';
  return 'onbekend';
}

/** The first yyyymmdd in a file name that is a real date, as YYYY-MM-DD. */
export function fileDateFromName(name: string): string | null {
  for (const m of name.matchAll(/(?<![0-9])((?:19|20)[0-9]{2})([01][0-9])([0-3][0-9])(?![0-9])/g)) {
    const [, y, mo, d] = m;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (
      date.getUTCFullYear() === Number(y) &&
      date.getUTCMonth() === Number(mo) - 1 &&
      date.getUTCDate() === Number(d)
    ) {
      return `${y}-${mo}-${d}`;
    }
  }
  return null;
}

function walk(dir: string, hidden: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.name.startsWith('.')) {
      hidden.push(full);
      continue;
    }
    if (entry.isDirectory()) out.push(...walk(full, hidden));
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(full);
  }
  return out;
}

/**
 * Lists every delivered file, sorted per folder by file date then name (the order later deliveries
 * replace earlier ones). Throws when the inbox itself does not exist. Names starting with a dot (uploads
 * still in progress, system files such as .DS_Store) are not deliveries: their paths, relative to the
 * inbox, go to `hidden` so the run can say it passed them by.
 */
export function discoverInbox(
  inbox: string,
  profiles: Map<string, Profile> = new Map(),
  hidden: string[] = [],
): FoundFile[] {
  const hiddenHere: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(inbox, { withFileTypes: true });
  } catch (error) {
    throw new RijmError(`the inbox cannot be read: ${inbox} (${(error as NodeJS.ErrnoException).code})`, {
      cause: error,
    });
  }
  const found: FoundFile[] = [];
  for (const entry of entries) {
    const full = join(inbox, entry.name);
    if (entry.name.startsWith('.')) {
      hiddenHere.push(full);
      continue;
    }
    if (entry.isFile() || entry.isSymbolicLink()) {
      const st = lstatSync(full);
      found.push({
        gemeente: undefined,
        folder: '',
        path: full,
        name: entry.name,
        type: 'onbekend',
        size: st.size,
        mtime: st.mtime,
        fileDate: fileDateFromName(entry.name),
        ...(st.isSymbolicLink() ? { refusal: SYMLINK_REFUSAL } : {}),
      });
      continue;
    }
    if (!entry.isDirectory()) continue;
    const gemeente = /^GM[0-9]{4}$/.test(entry.name) ? gemeenteByCbsCode(entry.name) : undefined;
    const profile = gemeente ? profiles.get(gemeente.cbsCode) : undefined;
    const files = walk(full, hiddenHere).map((path): FoundFile => {
      const name = relative(full, path).split(sep).join('/');
      const st = lstatSync(path);
      return {
        gemeente,
        folder: entry.name,
        path,
        name,
        type: classifyFile(name, profile),
        size: st.size,
        mtime: st.mtime,
        fileDate: fileDateFromName(name),
        ...(st.isSymbolicLink() ? { refusal: SYMLINK_REFUSAL } : {}),
      };
    });
    // Code-point order, not locale order: `x.csv` comes before its copy `x_kopie.csv` on every machine.
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    files.sort((a, b) => order(a.fileDate ?? '', b.fileDate ?? '') || order(a.name, b.name));
    found.push(...files);
  }
  for (const path of hiddenHere) hidden.push(relative(inbox, path).split(sep).join('/'));
  return found;
}

export { findGemeente };
