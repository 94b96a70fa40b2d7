/**
 * A CSV's encoding is decided from its bytes and the file is decoded and scanned as a stream: the
 * records, lines and verdicts must be those of the whole text at once, wherever a chunk ends (inside a
 * CRLF, a doubled quote, a multi-byte character).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordScanner, scanRecords } from '../../pipelines/ingest/tabular/csv.js';
import { decodeBytes, decodeFile, detectEncoding } from '../../pipelines/ingest/tabular/encoding.js';

type Rec = [string, number, boolean];

function whole(text: string): Rec[] {
  const out: Rec[] = [];
  scanRecords(text, ';', '"', (r) => {
    out.push([text.slice(r.start, r.end), r.line, r.unterminated]);
    return true;
  });
  return out;
}

function streamed(text: string, cuts: number[]): Rec[] {
  const out: Rec[] = [];
  const scanner = new RecordScanner(';', '"', 1, (record, line, unterminated) => {
    out.push([record, line, unterminated]);
    return true;
  });
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    scanner.write(text.slice(at, cut));
    at = cut;
  }
  scanner.end();
  return out;
}

const texts = [
  'a;b\r\nc;d\r\n',
  'a;b\rc;d\r\r\ne',
  'a;"x\r\ny";b\n"q""q";"""";c\n',
  '"open;\nnever\r\nclosed',
  'x;"a""\n"b;c\r\n\r\n;;\n',
  '"""\r\n"\r\n',
  'tail without end',
  '\n\r\n\r',
  '',
];

describe('RecordScanner', () => {
  it('finds the records and lines of scanRecords wherever the chunks end', () => {
    for (const text of texts) {
      const expected = whole(text);
      for (let a = 0; a <= text.length; a++) {
        for (let b = a; b <= text.length; b++) {
          expect(streamed(text, [a, b]), JSON.stringify({ text, a, b })).toEqual(expected);
        }
      }
      expect(
        streamed(
          text,
          [...text].map((_, i) => i),
        ),
      ).toEqual(expected);
    }
  });
});

describe('detectEncoding and decodeFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-decode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function both(bytes: Buffer) {
    const path = join(dir, 'f.csv');
    writeFileSync(path, bytes);
    const detected = await detectEncoding(path);
    let text = '';
    const decoded = detected.ok ? await decodeFile(path, detected, (t) => (text += t)) : undefined;
    return { whole: decodeBytes(bytes), detected, decoded, text };
  }

  // Past the 1 MiB read size, so characters and code units are cut between chunks.
  const long = 'é€'.repeat(400_000);
  const bom = (b: number[], rest: Buffer) => Buffer.concat([Buffer.from(b), rest]);

  it('decodes as a whole buffer decodes, across chunk ends, and detects the same encoding', async () => {
    const cases: [Buffer, string, boolean][] = [
      [Buffer.from(long, 'utf8'), 'utf-8', false],
      [bom([0xef, 0xbb, 0xbf], Buffer.from(long, 'utf8')), 'utf-8', true],
      // One byte that is no UTF-8, at the very end: the whole file is Windows-1252.
      [Buffer.concat([Buffer.from(`${long}`, 'utf8'), Buffer.from([0x80])]), 'windows-1252', false],
      [iconv.encode(`${long}\u0152`, 'win1252'), 'windows-1252', false],
      [
        bom([0xff, 0xfe], Buffer.concat([iconv.encode(long, 'utf-16le'), Buffer.from([0x41])])),
        'utf-16le',
        true,
      ],
      [iconv.encode(`gemeente;bsn\r\n${long}😀`, 'utf-16be'), 'utf-16be', false],
      [iconv.encode('gemeente;bsn;toewijzingnummer\r\n', 'utf-16le'), 'utf-16le', false],
    ];
    for (const [bytes, encoding, hasBom] of cases) {
      const r = await both(bytes);
      expect(r.detected).toMatchObject({ ok: true, encoding, bom: hasBom });
      expect(r.whole).toMatchObject({ ok: true, encoding });
      expect(r.decoded).toEqual({ ok: true, blank: false });
      expect(r.text === (r.whole.ok ? r.whole.text : undefined)).toBe(true);
    }
    expect((await both(Buffer.from('gemeente;bsn\n', 'utf8'))).detected).toMatchObject({ ascii: true });
  });

  it('refuses binary data, before or after decoding, and finds blank text', async () => {
    const binary = /^onleesbaar: het bestand bevat binaire gegevens/;
    expect((await both(Buffer.from(`a\u0000${long}`, 'utf8'))).detected).toMatchObject({
      ok: false,
      reason: expect.stringMatching(binary),
    });
    const utf16WithNul = bom([0xff, 0xfe], iconv.encode('gemeente\u0000bsn', 'utf-16le'));
    expect((await both(utf16WithNul)).decoded).toMatchObject({
      ok: false,
      reason: expect.stringMatching(binary),
    });
    expect((await both(Buffer.from(' \r\n\t\u00a0\r\n', 'utf8'))).decoded).toEqual({ ok: true, blank: true });
  });
});
