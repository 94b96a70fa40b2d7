/**
 * The first step of reading a CSV: its bytes → its encoding, decided from the file itself (delivery.md
 * §3.4), then decoded as a stream. In this order: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); without
 * one, text of two-byte units whose high bytes are zero is UTF-16; else bytes that are valid UTF-8 all
 * through the file are UTF-8; else Windows-1252 (the usual Excel "CSV (gescheiden door
 * lijstscheidingsteken)" export). A file with NUL bytes in any of these is binary and is not read.
 *
 * The decision reads the file once with cheap byte checks (no text is made); decoding is the second
 * pass, chunk by chunk, so a large export is never held whole. Windows-1252 and UTF-16 go through
 * iconv-lite, because DuckDB's latin-1 and Node's TextDecoder map 0x80–0x9F (`€`, curly quotes) wrongly.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { TabularFormat } from '../../../schemas/profile.js';
import { type DialectFact, fact } from './dialect.js';

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/** What a file's bytes are. */
export interface DetectedEncoding {
  encoding: Encoding;
  /** The file starts with a byte order mark (not part of the text). */
  bom: boolean;
  /** Only ASCII bytes: the same text in UTF-8 and in Windows-1252. */
  ascii: boolean;
}

export type EncodingVerdict = ({ ok: true } & DetectedEncoding) | { ok: false; reason: string };

const BINARY =
  'onleesbaar: het bestand bevat binaire gegevens (nul-bytes) en is in geen toegestane tekenset (UTF-8, Windows-1252, UTF-16) een tekstbestand';

/** How an encoding is named to a municipality's data officer. */
export function encodingLabel(e: { encoding: Encoding; bom?: boolean }): string {
  const name = {
    'utf-8': 'UTF-8',
    'windows-1252': 'Windows-1252',
    'utf-16le': 'UTF-16LE',
    'utf-16be': 'UTF-16BE',
  }[e.encoding];
  return e.bom ? `${name} met BOM` : name;
}

function bomOf(bytes: Buffer): { encoding: Encoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/**
 * UTF-16 without a BOM, by its zero bytes: text of the Latin alphabet has a zero high byte in nearly
 * every code unit (odd bytes for LE, even for BE), which no 8-bit text has.
 */
function utf16ByZeros(head: Buffer): Encoding | undefined {
  const units = Math.floor(head.length / 2);
  if (units < 8) return undefined;
  let le = 0;
  let be = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i + 1] === 0 && head[i] !== 0) le++;
    else if (head[i] === 0 && head[i + 1] !== 0) be++;
  }
  if (le >= units * 0.4 && be < units * 0.05) return 'utf-16le';
  if (be >= units * 0.4 && le < units * 0.05) return 'utf-16be';
  return undefined;
}

/** Bytes at the end of `chunk` that start a UTF-8 sequence the chunk does not finish. */
function unfinishedUtf8(chunk: Buffer): number {
  for (let i = 1; i <= Math.min(3, chunk.length); i++) {
    const b = chunk[chunk.length - i]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > i ? i : 0;
  }
  return 0;
}

/** Read size: large enough that a chunk's overhead is nothing, small enough to stay out of the way. */
const CHUNK_BYTES = 1024 * 1024;
const HEAD_BYTES = 4096;

function readHead(path: string): Buffer {
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** The encoding of the file at `path` (see the module comment), or why it is no text file. */
export async function detectEncoding(path: string): Promise<EncodingVerdict> {
  const head = readHead(path);
  const bom = bomOf(head);
  if (bom) return { ok: true, encoding: bom.encoding, bom: true, ascii: false };
  const utf16 = utf16ByZeros(head);
  if (utf16) return { ok: true, encoding: utf16, bom: false, ascii: false };
  let valid = true;
  let ascii = true;
  let carry: Buffer | undefined;
  for await (const data of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const chunk = data as Buffer;
    if (chunk.includes(0)) return { ok: false, reason: BINARY };
    if (ascii && !isAscii(chunk)) ascii = false;
    if (!valid || ascii) continue;
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    const tail = unfinishedUtf8(bytes);
    carry = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : undefined;
    if (!isUtf8(bytes.subarray(0, bytes.length - tail))) valid = false;
  }
  if (carry && !isUtf8(carry)) valid = false;
  return { ok: true, encoding: valid ? 'utf-8' : 'windows-1252', bom: false, ascii };
}

/** A streaming decoder: `write` each chunk in order, then `end`. */
interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

function chunkDecoder(encoding: Encoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8': {
      // The bytes were checked: a replacement character can only come from a file changed since.
      const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
      return { write: (chunk) => utf8.decode(chunk, { stream: true }), end: () => utf8.decode() };
    }
    case 'windows-1252': {
      const decoder = iconv.getDecoder('win1252');
      return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
    }
    case 'utf-16le':
    case 'utf-16be': {
      const decoder = iconv.getDecoder(encoding, { stripBOM: false });
      // Whole code units only: a trailing odd byte (a file cut off mid-character) is dropped; the cut
      // row is then incomplete.
      let odd: Buffer | undefined;
      return {
        write(chunk) {
          const bytes = odd ? Buffer.concat([odd, chunk]) : chunk;
          const even = bytes.length - (bytes.length % 2);
          odd = even < bytes.length ? bytes.subarray(even) : undefined;
          return decoder.write(bytes.subarray(0, even));
        },
        end: () => decoder.end() ?? '',
      };
    }
  }
}

export type Decoded = { ok: true; blank: boolean } | { ok: false; reason: string };

/**
 * Decodes the file at `path` in its detected encoding into `write`, chunk by chunk, without its BOM.
 * Text after a NUL character (UTF-16 that holds binary data) is not written: the file is rejected.
 */
export async function decodeFile(
  path: string,
  detected: DetectedEncoding,
  write: (text: string) => void,
): Promise<Decoded> {
  const decoder = chunkDecoder(detected.encoding);
  const skip = detected.bom ? (detected.encoding === 'utf-8' ? 3 : 2) : 0;
  let binary = false;
  let blank = true;
  const take = (text: string) => {
    if (binary || text === '') return;
    if (text.includes('\u0000')) {
      binary = true;
      return;
    }
    if (blank && /\S/.test(text)) blank = false;
    write(text);
  };
  for await (const chunk of createReadStream(path, { start: skip, highWaterMark: CHUNK_BYTES })) {
    take(decoder.write(chunk as Buffer));
  }
  take(decoder.end());
  return binary ? { ok: false, reason: BINARY } : { ok: true, blank };
}

/** The text of a whole buffer, decided and decoded as `detectEncoding` and `decodeFile` do (for tools). */
export function decodeBytes(bytes: Buffer): { ok: true; text: string; encoding: Encoding } | { ok: false } {
  const bom = bomOf(bytes);
  const encoding =
    bom?.encoding ??
    utf16ByZeros(bytes.subarray(0, HEAD_BYTES)) ??
    (bytes.includes(0) ? undefined : isUtf8(bytes) ? 'utf-8' : 'windows-1252');
  if (!encoding) return { ok: false };
  const decoder = chunkDecoder(encoding);
  const text = decoder.write(bytes.subarray(bom?.length ?? 0)) + decoder.end();
  return text.includes('\u0000') ? { ok: false } : { ok: true, text, encoding };
}

/**
 * The encoding's fact against the profile's `expected`: no departure when the profile leaves it to
 * detection, when it is what the profile says (with or without a BOM), or when the text is ASCII, which
 * reads the same in UTF-8 and in Windows-1252 (it is then read as the profile says).
 */
export function encodingFact(detected: DetectedEncoding, expected: TabularFormat['encoding']): DialectFact {
  if (expected === 'detect') return fact('tekenset', null, encodingLabel(detected), false);
  const same =
    detected.encoding === expected ||
    (detected.ascii && (expected === 'utf-8' || expected === 'windows-1252'));
  return same
    ? fact('tekenset', encodingLabel({ encoding: expected }), encodingLabel({ encoding: expected }), false)
    : fact('tekenset', encodingLabel({ encoding: expected }), encodingLabel(detected), true);
}
