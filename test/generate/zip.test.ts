import { describe, expect, it } from 'vitest';
import { readZip, zipEntries } from '../../pipelines/generate/zip.js';

const MTIME = new Date('2026-11-20T06:00:00Z');

describe('generated zips', () => {
  it('hold more than 65,535 entries through a ZIP64 end record, read back whole by yauzl', async () => {
    const entries = Array.from({ length: 70_000 }, (_, i) => ({
      name: `bericht-${i}.xml`,
      data: Buffer.from(`<b>${i}</b>`),
    }));
    const zip = await zipEntries(entries, MTIME);
    // The classic end record says "see ZIP64"; the ZIP64 record and locator come before it.
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(0xffff);
    expect(zip.readUInt32LE(zip.length - 42)).toBe(0x07064b50);
    const back = await readZip(zip);
    expect(back).toHaveLength(70_000);
    expect(back[69_999]).toEqual({ name: 'bericht-69999.xml', data: Buffer.from('<b>69999</b>') });
  });

  it('keep the classic form up to 65,535 entries, and give the same bytes for the same input', async () => {
    const entries = [{ name: 'a.xml', data: Buffer.from('<a/>') }];
    const zip = await zipEntries(entries, MTIME);
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(1);
    expect(zip.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(-1);
    expect((await zipEntries(entries, MTIME)).equals(zip)).toBe(true);
    expect(await readZip(await zipEntries(entries, MTIME, { zip64: true }))).toEqual(entries);
  });
});
