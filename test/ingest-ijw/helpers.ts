import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadIjwFile } from '../../pipelines/ingest/ijw/index.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import type { Limits } from '../../pipelines/ingest/types.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';

export const key = new SecretKey('test-key-test-key-test-key-test-key', 'pseudonym');

export interface Harness {
  inbox: string;
  db: Warehouse;
  /** Writes a file into the inbox of `gemeente` (default GM0193). */
  write(name: string, content: string | Buffer, gemeente?: string): string;
  ingest(limits?: Partial<Limits>): ReturnType<typeof ingestInbox>;
  rows<T = Record<string, unknown>>(sql: string, params?: (string | number)[]): Promise<T[]>;
}

export async function harness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-ijw-'));
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  const db = await openWarehouse(':memory:');
  let run = 0;
  return {
    inbox,
    db,
    write(name, content, gemeente = 'GM0193') {
      const path = join(inbox, gemeente, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    ingest(limits) {
      run++;
      return ingestInbox(db, {
        inbox,
        archiveDir: join(dir, 'archive'),
        key,
        runId: `run${run}`,
        log: memoryLogger(),
        clock: () => new Date('2026-11-23T02:00:00Z'),
        profiles: new Map(),
        loaders: { ijw: loadIjwFile },
        ...(limits ? { limits } : {}),
      });
    },
    rows: (sql, params) => db.all(sql, params) as never,
  };
}
