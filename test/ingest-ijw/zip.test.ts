import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { zipEntries } from '../../pipelines/generate/zip.js';
import { harness } from './helpers.js';
import { jw301, jw302, jw305 } from './messages.js';

function zipOf(entries: [string, string | Buffer][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve) => {
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** A zip with one stored entry whose name is written as given (yazl refuses unsafe names). */
function rawZip(name: string, content: Buffer, claimedSize?: number): Buffer {
  const data = deflateRawSync(content);
  const nameBuf = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const size = claimedSize ?? content.length;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  const body = Buffer.concat([local, nameBuf, data]);
  const cd = Buffer.concat([central, nameBuf]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(body.length, 16);
  return Buffer.concat([body, cd, end]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('ijw loader: zips', () => {
  it('records each member as its own delivery; rows carry the member delivery id; duplicates are dubbel', async () => {
    const h = await harness();
    const a = jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-02-30' }] });
    h.write(
      'ijw_20250301.zip',
      await zipOf([
        ['berichten/a.xml', a],
        ['berichten/kopie-van-a.xml', a],
        ['b.xml', jw305()],
        ['retour.xml', jw302()],
        ['leesmij.txt', 'hallo'],
        ['kapot.xml', '<Bericht'],
      ]),
    );
    await h.ingest();
    const members = await h.rows(
      'select member_name, result, records_read, records_loaded, records_quarantined, records_skipped from meta.deliveries where member_name is not null order by member_name',
    );
    expect(members).toEqual([
      {
        member_name: 'b.xml',
        result: 'geladen',
        records_read: 1,
        records_loaded: 1,
        records_quarantined: 0,
        records_skipped: 0,
      },
      {
        member_name: 'berichten/a.xml',
        result: 'deels_afgewezen',
        records_read: 2,
        records_loaded: 1,
        records_quarantined: 1,
        records_skipped: 0,
      },
      {
        member_name: 'berichten/kopie-van-a.xml',
        result: 'dubbel',
        records_read: 0,
        records_loaded: 0,
        records_quarantined: 0,
        records_skipped: 0,
      },
      {
        member_name: 'kapot.xml',
        result: 'afgewezen',
        records_read: 0,
        records_loaded: 0,
        records_quarantined: 0,
        records_skipped: 0,
      },
      {
        member_name: 'leesmij.txt',
        result: 'afgewezen',
        records_read: 0,
        records_loaded: 0,
        records_quarantined: 0,
        records_skipped: 0,
      },
      {
        member_name: 'retour.xml',
        result: 'overgeslagen',
        records_read: 1,
        records_loaded: 0,
        records_quarantined: 0,
        records_skipped: 1,
      },
    ]);
    const zip = await h.rows(
      'select result, records_read, records_loaded, records_quarantined, records_skipped from meta.deliveries where member_name is null',
    );
    expect(zip).toEqual([
      {
        result: 'deels_afgewezen',
        records_read: 4,
        records_loaded: 2,
        records_quarantined: 1,
        records_skipped: 1,
      },
    ]);
    const lineage = await h.rows(
      'select d.member_name, count(*)::int as n from raw.jw301 r join meta.deliveries d using (delivery_id) group by all',
    );
    expect(lineage).toEqual([{ member_name: 'berichten/a.xml', n: 1 }]);
    const q = await h.rows('select member_name, element_path from meta.quarantine');
    expect(q).toEqual([
      {
        member_name: 'berichten/a.xml',
        element_path: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum',
      },
    ]);

    // The same member in a later zip is dubbel; the same zip again is not read at all.
    h.write('ijw_20250302.zip', await zipOf([['c.xml', a]]));
    await h.ingest();
    expect(await h.rows(`select result from meta.deliveries where member_name = 'c.xml'`)).toEqual([
      { result: 'dubbel' },
    ]);
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 1 }]);
  });

  it.each([
    ['../buiten.xml', /bovenliggende map/],
    ['/etc/absoluut.xml', /absoluut pad/],
    ['C:/windows/x.xml', /absoluut pad/],
    ['a/../../b.xml', /bovenliggende map/],
  ])('refuses the member %s whose name escapes its folder', async (name, reason) => {
    const h = await harness();
    h.write('ijw_onveilig.zip', rawZip(name, Buffer.from(jw301())));
    await h.ingest();
    const [m] = await h.rows<{ result: string; reason: string }>(
      'select result, reason from meta.deliveries where member_name is not null',
    );
    expect(m?.result).toBe('afgewezen');
    expect(m?.reason).toMatch(reason);
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 0 }]);
  });

  it('refuses a zip bomb by the bytes actually inflated, not the header', async () => {
    const h = await harness();
    const bomb = Buffer.concat([Buffer.from(jw301()), Buffer.alloc(2_000_000, 0x20)]);
    // The header claims a small size; the inflated bytes are what count.
    h.write('ijw_bom.zip', rawZip('bom.xml', bomb));
    h.write('ijw_bom_liegt.zip', rawZip('bom.xml', bomb, 1000), 'GM0150');
    await h.ingest({ maxCompressionRatio: 50 });
    const rows = await h.rows<{ result: string; reason: string }>(
      'select result, reason from meta.deliveries where member_name is null order by gemeente',
    );
    expect(rows.map((d) => d.result)).toEqual(['afgewezen', 'afgewezen']);
    expect(rows[1]?.reason).toBe(
      'bom.xml pakt uit tot meer dan 50 keer zijn ingepakte grootte (zip-bom): niet gelezen',
    );
    // A header that lies about the size is caught while inflating too.
    expect(rows[0]?.reason).toMatch(/zip-bom|beschadigd/);
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 0 }]);
  });

  it('refuses the whole zip when the total unpacked size or the number of entries is too large, and loads nothing of it', async () => {
    const h = await harness();
    h.write(
      'ijw_groot.zip',
      await zipOf([
        ['a.xml', jw301()],
        ['b.xml', jw305()],
      ]),
    );
    const total = Buffer.byteLength(jw301()) + Buffer.byteLength(jw305());
    await h.ingest({ maxUnpackedBytes: total - 1 });
    const [d] = await h.rows<{ result: string; reason: string }>(
      'select result, reason from meta.deliveries where member_name is null',
    );
    expect(d).toMatchObject({ result: 'afgewezen' });
    expect(d?.reason).toBe(`zip pakt uit tot meer dan ${total - 1} bytes (zip-bom): niet gelezen`);
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 0 }]);
    expect(
      await h.rows('select count(*)::int as n from meta.deliveries where member_name is not null'),
    ).toEqual([{ n: 0 }]);

    const h2 = await harness();
    h2.write(
      'ijw_veel.zip',
      await zipOf([
        ['a.xml', jw301()],
        ['b.xml', jw305()],
        ['c.xml', jw302()],
      ]),
    );
    await h2.ingest({ maxZipEntries: 2 });
    const [d2] = await h2.rows<{ reason: string }>(
      'select reason from meta.deliveries where member_name is null',
    );
    expect(d2?.reason).toMatch(/3 bestanden, de grens is 2/);
  });

  it('reads a zip that ends in a ZIP64 end record (as zip tools write one of more than 65,535 members)', async () => {
    const h = await harness();
    const entries = [jw301({ id: 'Z1' }), jw301({ id: 'Z2' }), jw305()].map((xml, i) => ({
      name: `m${i}.xml`,
      data: Buffer.from(xml),
    }));
    h.write('ijw_20250301.zip', await zipEntries(entries, new Date('2025-03-01T06:00:00Z'), { zip64: true }));
    await h.ingest();
    expect(
      await h.rows(
        'select member_name, result from meta.deliveries where member_name is not null order by 1',
      ),
    ).toEqual([
      { member_name: 'm0.xml', result: 'geladen' },
      { member_name: 'm1.xml', result: 'geladen' },
      { member_name: 'm2.xml', result: 'geladen' },
    ]);
  });

  it('rejects a truncated zip whole', async () => {
    const h = await harness();
    const zip = await zipOf([
      ['a.xml', jw301()],
      ['b.xml', jw305()],
    ]);
    h.write('ijw_afgebroken.zip', zip.subarray(0, Math.floor(zip.length * 0.6)));
    h.write('ijw_nep.zip', 'dit is geen zip');
    await h.ingest();
    const rows = await h.rows<{ file_name: string; result: string; reason: string }>(
      'select file_name, result, reason from meta.deliveries order by file_name',
    );
    expect(rows.map((r) => [r.file_name, r.result])).toEqual([
      ['ijw_afgebroken.zip', 'afgewezen'],
      ['ijw_nep.zip', 'afgewezen'],
    ]);
    expect(rows[0]?.reason).toMatch(/afgebroken of beschadigd/);
    expect(rows[1]?.reason).toMatch(/geen geldig zip-bestand/);
  });
});
