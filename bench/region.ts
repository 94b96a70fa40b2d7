/**
 * The benchmark's regions: generated once per scale and seed under the work directory (reused by later
 * runs), then split by hard links (copies where links cannot be made) into the inboxes the steps read:
 * `tabular` (the CSV exports), `ijw` (XML and zips), `base` (everything but the last delivery day of each
 * gemeente) and `night` (that last day: the usual night's new deliveries). Links, not symbolic links:
 * the ingest refuses those.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileDateFromName } from '../pipelines/ingest/discover.js';
import { decodeBytes } from '../pipelines/ingest/tabular/encoding.js';
import { loadProfiles } from '../pipelines/lib/profiles.js';
import { type Measured, measureNode } from './measure.js';

export interface RegionFile {
  gemeente: string;
  name: string;
  path: string;
  size: number;
  kind: 'tabular-csv' | 'tabular-xlsx' | 'ijw' | 'other';
  fileDate: string | null;
}

export interface Region {
  dir: string;
  inbox: string;
  files: RegionFile[];
  /** How long generating took, when it was generated in this run. */
  generated?: Measured;
}

function kindOf(name: string): RegionFile['kind'] {
  const lower = name.toLowerCase();
  if (/^(uitkomsten|clientbestand)_/.test(lower))
    return lower.endsWith('.xlsx') ? 'tabular-xlsx' : 'tabular-csv';
  if (lower.startsWith('ijw_') || lower.endsWith('.xml') || lower.endsWith('.zip')) return 'ijw';
  return 'other';
}

/** Generates the region of `scale` and `seed` unless the work directory holds it already. */
export async function ensureRegion(
  workDir: string,
  cli: string,
  scale: number,
  seed: number,
  until: string,
): Promise<Region> {
  const dir = join(workDir, `region-s${scale}-seed${seed}-${until}`);
  const inbox = join(dir, 'inbox');
  const done = join(dir, 'generated.json');
  let generated: Measured | undefined;
  if (!existsSync(done)) {
    generated = await measureNode(
      'generate',
      cli,
      ['generate', '--out', inbox, '--scale', String(scale), '--seed', String(seed), '--until', until],
      { logDir: join(dir, 'logs') },
    );
    writeFileSync(done, `${JSON.stringify({ scale, seed, until, wallMs: generated.wallMs })}\n`);
  }
  const files: RegionFile[] = [];
  for (const g of readdirSync(inbox).sort()) {
    const folder = join(inbox, g);
    if (!statSync(folder).isDirectory()) continue;
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const st = statSync(path);
      if (!st.isFile()) continue;
      files.push({
        gemeente: g,
        name,
        path,
        size: st.size,
        kind: kindOf(name),
        fileDate: fileDateFromName(name),
      });
    }
  }
  return { dir, inbox, files, ...(generated ? { generated } : {}) };
}

/** The files of each gemeente's last delivery day: what one ordinary night brings. */
export function lastDayFiles(region: Region): RegionFile[] {
  const last = new Map<string, string>();
  for (const f of region.files) {
    if (f.fileDate && f.fileDate > (last.get(f.gemeente) ?? '')) last.set(f.gemeente, f.fileDate);
  }
  return region.files.filter((f) => f.fileDate !== null && f.fileDate === last.get(f.gemeente));
}

/** Links `files` into `inbox/<gemeente>/<name>`; existing links are kept. */
export function linkInto(inbox: string, files: RegionFile[]): void {
  for (const f of files) {
    const folder = join(inbox, f.gemeente);
    mkdirSync(folder, { recursive: true });
    const target = join(folder, f.name);
    if (existsSync(target)) continue;
    try {
      linkSync(f.path, target);
    } catch {
      copyFileSync(f.path, target);
    }
  }
}

/**
 * UTF-8 copies of the CSV files (decoded as each profile says), with the profile's delimiter and quote:
 * the same text the tabular ingest hands to DuckDB, for the bare `read_csv` and the csv-parse baselines.
 */
export function transcodeCsv(
  files: RegionFile[],
  outDir: string,
): { path: string; delimiter?: string; quote?: string }[] {
  const profiles = loadProfiles();
  const list: { path: string; delimiter?: string; quote?: string }[] = [];
  for (const f of files) {
    const tab = profiles.get(f.gemeente)?.tabular;
    const decoded = decodeBytes(readFileSync(f.path));
    if (!decoded.ok) continue;
    const folder = join(outDir, f.gemeente);
    mkdirSync(folder, { recursive: true });
    const path = join(folder, f.name);
    if (!existsSync(path)) writeFileSync(path, decoded.text);
    const delimiter = tab?.delimiter && tab.delimiter !== 'detect' ? tab.delimiter : undefined;
    list.push({ path, ...(delimiter ? { delimiter } : {}), ...(tab?.quote ? { quote: tab.quote } : {}) });
  }
  return list;
}
