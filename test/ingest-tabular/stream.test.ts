/**
 * A CSV is decoded and scanned as a stream: the records, lines and verdicts must be those of the whole
 * text at once, wherever a chunk ends (inside a CRLF, a doubled quote, a multi-byte character).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordScanner, scanRecords } from '../../pipelines/ingest/tabular/csv.js';
import { decodeFile, decodeText, type TextSink } from '../../pipelines/ingest/tabular/decode.js';

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

describe('decodeFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-decode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function both(bytes: Buffer, wanted: Parameters<typeof decodeText>[1]) {
    const path = join(dir, 'f.csv');
    writeFileSync(path, bytes);
    let text = '';
    const sink: TextSink = {
      write: (t) => {
        text += t;
      },
      reset: () => {
        text = '';
      },
    };
    const streamedResult = await decodeFile(path, wanted, sink);
    return { whole: decodeText(bytes, wanted), streamed: streamedResult, text };
  }

  // Past the 1 MiB read size, so characters and code units are cut between chunks.
  const long = 'é€'.repeat(400_000);

  it('decodes as decodeText does across chunk ends, and detects the same encoding', async () => {
    const cases: [Buffer, Parameters<typeof decodeText>[1]][] = [
      [Buffer.from(long, 'utf8'), 'detect'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(long, 'utf8')]), 'utf-8'],
      [Buffer.concat([Buffer.from(long, 'utf8'), Buffer.from([0x80])]), 'detect'],
      [iconv.encode(`${long}\u0152`, 'win1252'), 'windows-1252'],
      [
        Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(long, 'utf-16le'), Buffer.from([0x41])]),
        'detect',
      ],
      [iconv.encode(`${long}😀`, 'utf-16be'), 'utf-16be'],
    ];
    for (const [bytes, wanted] of cases) {
      const r = await both(bytes, wanted);
      expect(r.whole.ok).toBe(true);
      expect(r.streamed).toMatchObject({ ok: true, encoding: r.whole.ok ? r.whole.encoding : '' });
      expect(r.text === (r.whole.ok ? r.whole.text : undefined)).toBe(true);
    }
  });

  it('gives the same verdicts: invalid bytes anywhere before NUL bytes, blank text', async () => {
    const nulThenInvalid = Buffer.concat([Buffer.from(`a\u0000${long}`, 'utf8'), Buffer.from([0xc3])]);
    const cases: [Buffer, Parameters<typeof decodeText>[1]][] = [
      [nulThenInvalid, 'utf-8'],
      [nulThenInvalid, 'detect'],
      [Buffer.from(`${long}\u0000`, 'utf8'), 'detect'],
      [Buffer.from([0xff, 0xfe, 0x41]), 'utf-8'],
    ];
    for (const [bytes, wanted] of cases) {
      const r = await both(bytes, wanted);
      expect(r.whole.ok).toBe(false);
      expect(r.streamed).toEqual({ ok: false, reason: r.whole.ok ? '' : r.whole.reason });
    }
    expect((await both(Buffer.from(' \r\n\t\u00a0\r\n', 'utf8'), 'detect')).streamed).toMatchObject({
      ok: true,
      blank: true,
    });
  });
});
