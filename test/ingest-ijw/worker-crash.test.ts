/**
 * A worker thread that dies while it holds messages: the ingest fails with the worker's error, nothing of
 * the file is recorded, the file stays in the inbox, and the next run loads it whole. The pool is swapped
 * for one whose worker script exits on its first batch.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { zipEntries } from '../../pipelines/generate/zip.js';
import type { MessagePool } from '../../pipelines/ingest/ijw/pool.js';
import { Threads } from '../../pipelines/ingest/ijw/pool.js';
import { gemeenteByCbsCode } from '../../pipelines/lib/gemeenten.js';
import { harness, key } from './helpers.js';
import { jw301 } from './messages.js';

const swap = vi.hoisted(() => ({ pool: undefined as MessagePool | undefined }));

vi.mock('../../pipelines/ingest/ijw/pool.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../pipelines/ingest/ijw/pool.js')>();
  return {
    ...real,
    messagePool: (...args: Parameters<typeof real.messagePool>) => swap.pool ?? real.messagePool(...args),
  };
});

const dir = mkdtempSync(join(tmpdir(), 'rijm-crash-'));
const script = join(dir, 'dies.mjs');
writeFileSync(
  script,
  "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\n",
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a worker thread that dies', () => {
  it('fails the batches it held with its exit code, and its replacement takes the next batch', async () => {
    const zwolle = gemeenteByCbsCode('GM0193')!;
    const pool = new Threads(1, pathToFileURL(script));
    try {
      const job = { bytes: Buffer.from(jw301()), deliveryId: 'd1', memberName: null };
      await expect(pool.examine(zwolle, key, [job])).rejects.toThrow(/iJw worker stopped \(exit code 7\)/);
      // A dead slot would leave this promise waiting for ever; a new worker takes it (and dies too).
      await expect(pool.examine(zwolle, key, [job])).rejects.toThrow(/exit code 7/);
    } finally {
      await pool.close();
    }
  });

  it('fails the ingest, records nothing of the zip, keeps it in the inbox, and the next run loads it whole', async () => {
    const h = await harness();
    const members = Array.from({ length: 40 }, (_, i) => ({
      name: `bericht-${i}.xml`,
      data: Buffer.from(jw301({ id: `B${i}` })),
    }));
    const path = h.write('ijw_20261120.zip', await zipEntries(members, new Date('2026-11-20T06:00:00Z')));
    swap.pool = new Threads(2, pathToFileURL(script));
    try {
      await expect(h.ingest()).rejects.toThrow(/iJw worker stopped \(exit code 7\)/);
    } finally {
      await swap.pool.close();
      swap.pool = undefined;
    }
    expect(await h.rows('select * from meta.deliveries')).toEqual([]);
    expect(await h.rows('select * from raw.jw301')).toEqual([]);
    expect(await h.rows('select * from meta.quarantine')).toEqual([]);
    expect(existsSync(path)).toBe(true);

    await h.ingest();
    const loaded = await h.rows<{ result: string; n: number }>(
      'select result, count(*) as n from meta.deliveries where member_name is not null group by all',
    );
    expect(loaded).toEqual([{ result: 'geladen', n: 40 }]);
    expect(await h.rows('select * from raw.jw301')).toHaveLength(40);
    await h.db.close();
  });
});
