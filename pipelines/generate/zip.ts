/**
 * Zip files with fixed entry times, so the same input gives the same bytes (zip entries carry a
 * modification time; writers default to "now").
 */
import { ZipFile } from 'yazl';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Zips the entries, deflated, each stamped with `mtime`. */
export function zipEntries(entries: readonly ZipEntry[], mtime: Date): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
    for (const e of entries) {
      if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime });
      else zip.addBuffer(e.data, e.name, { mtime, compress: true, mode: 0o100644 });
    }
    zip.end();
  });
}

/** Reads every entry of a zip held in memory. */
export function readZip(buffer: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('zip: no archive'));
      const out: ZipEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`zip: cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Rewrites a zip (e.g. an XLSX) with every entry stamped `mtime`, keeping names and order. */
export async function normaliseZip(buffer: Buffer, mtime: Date): Promise<Buffer> {
  return zipEntries(await readZip(buffer), mtime);
}
