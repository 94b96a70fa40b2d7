/**
 * Zip files with fixed entry times (UTC), so the same input gives the same bytes (zip entries carry a
 * modification time; writers default to "now").
 */
import { crc32, deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

function dosDateTime(d: Date): { date: number; time: number } {
  // Zip entry times have no zone; taken in UTC so the bytes do not depend on the machine's zone.
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * Zips the entries, deflated, each stamped with `mtime`. Written synchronously in one buffer: message
 * zips hold thousands of small entries, for which a streaming writer spends most time waiting.
 *
 * More than 65,535 entries (a large gemeente's first delivery at scale 10) do not fit the classic end
 * record, so those zips end in a ZIP64 end record and locator, as zip tools write them (APPNOTE 4.3.14,
 * 4.3.15); `zip64: true` writes that form for any zip. Entries stay classic: no member or offset reaches
 * 4 GiB.
 */
export function zipEntries(
  entries: readonly ZipEntry[],
  mtime: Date,
  options: { zip64?: boolean } = {},
): Promise<Buffer> {
  const { date, time } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const isDir = e.name.endsWith('/');
    const data = isDir ? Buffer.alloc(0) : deflateRawSync(e.data, { level: 6 });
    const crc = isDir ? 0 : crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(isDir ? 0 : 8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(isDir ? 0 : e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x0314, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(isDir ? 0 : 8, 10);
    c.writeUInt16LE(time, 12);
    c.writeUInt16LE(date, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(isDir ? 0 : e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((isDir ? 0o40755 : 0o100644) * 65536, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  if (offset + cd.length >= 0xffffffff) {
    throw new RangeError(`zip of ${entries.length} entries would reach 4 GiB: split it`);
  }
  const zip64 = options.zip64 === true || entries.length > 0xffff;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  if (!zip64) return Promise.resolve(Buffer.concat([...locals, cd, end]));
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(entries.length), 24);
  record.writeBigUInt64LE(BigInt(entries.length), 32);
  record.writeBigUInt64LE(BigInt(cd.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  return Promise.resolve(Buffer.concat([...locals, cd, record, locator, end]));
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
