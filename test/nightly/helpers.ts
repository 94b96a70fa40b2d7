import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import type { NightlyOptions } from '../../pipelines/nightly/run.js';

export const NOW = new Date('2026-11-22T01:00:00Z');
export const clock = () => NOW;

export const pseudonymKey = new SecretKey('test-pseudonym-key-0123456789abcdef', 'pseudonym');
export const researchKey = new SecretKey('test-research-key-0123456789abcdefgh', 'research');

/** A data dir and an inbox with two gemeenten; `files` maps `GM…/name.csv` to its content. */
export function makeRegion(files: Record<string, string>): { root: string; inbox: string; dataDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'rijm-nightly-'));
  const inbox = join(root, 'inbox');
  for (const [path, content] of Object.entries(files)) addFile(inbox, path, content);
  return { root, inbox, dataDir: join(root, 'data') };
}

export function addFile(inbox: string, path: string, content: string): void {
  const [folder] = path.split('/');
  mkdirSync(join(inbox, folder!), { recursive: true });
  writeFileSync(join(inbox, path), content);
}

export const baseFiles = {
  'GM0193/a_20261001.csv': '111222333;5\n111222334;7\n',
  'GM0150/a_20261001.csv': '222333444;11\n',
};

export function options(region: { inbox: string; dataDir: string }): NightlyOptions {
  return { inbox: region.inbox, dataDir: region.dataDir, peildatum: '2026-11-22', pseudonymKey, researchKey };
}

export function quietContext() {
  return { log: memoryLogger(clock), clock, randomSuffix: () => 'abc123' };
}

/** Reads rows from a database file opened read-only, and closes it. */
export async function query<T extends Record<string, unknown>>(path: string, sql: string): Promise<T[]> {
  const db = await Warehouse.open(path, { readOnly: true });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}
