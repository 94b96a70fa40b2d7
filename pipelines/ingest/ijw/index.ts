/**
 * The `ijw` loader: one iJw 3.2 message per XML file, or a zip of them (delivery.md §3.1). See
 * docs/ingest-ijw.md for what is read, checked and dropped.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Loader } from '../types.js';
import { loadMessage, writeRows, XSD_MAX_BYTES } from './message.js';
import { messagePool } from './pool.js';
import { loadZip } from './zip.js';

async function startsWithZipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
  } finally {
    await fh.close();
  }
}

export const loadIjwFile: Loader = async (file, ctx) => {
  const isZip = await startsWithZipMagic(file.path);
  if (isZip) return loadZip(file, ctx);
  if (/\.zip$/i.test(file.name)) {
    return {
      result: 'afgewezen',
      reason: 'geen geldig zip-bestand (het begint niet als een zip)',
      recordsRead: 0,
      recordsLoaded: 0,
      recordsQuarantined: 0,
      recordsSkipped: 0,
    };
  }
  const bytes = file.size <= XSD_MAX_BYTES ? await readFile(file.path) : null;
  if (bytes && bytes.length <= XSD_MAX_BYTES) {
    const [examined] = await messagePool(ctx.log).examine(file.gemeente, ctx.key, [
      { bytes, deliveryId: file.deliveryId, memberName: null },
    ]);
    if (!examined) throw new Error(`no result for ${file.name} from the iJw message pool`);
    const { table, ...outcome } = examined.outcome;
    await writeRows(ctx.db, table, examined.rows);
    ctx.quarantine(examined.quarantine);
    return outcome;
  }
  const { table: _table, ...outcome } = await loadMessage(file, ctx, {
    deliveryId: file.deliveryId,
    memberName: null,
    size: file.size,
    open: () => createReadStream(file.path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>,
  });
  return outcome;
};
