/**
 * Bytes of a delivered text file → text. `detect`: a BOM (UTF-8, UTF-16LE/BE) decides, else valid UTF-8
 * is UTF-8, else Windows-1252 (the usual Excel CSV export). Windows-1252 and UTF-16 go through
 * iconv-lite, because DuckDB's latin-1 and Node's TextDecoder map 0x80–0x9F (`€`, curly quotes) wrongly.
 *
 * A file is decoded as a stream (`decodeFile`), so a large export is never held whole: strict UTF-8
 * through a streaming fatal TextDecoder, the others through iconv-lite's streaming decoders. The verdicts
 * are those of decoding the whole file at once (`decodeText`): invalid bytes anywhere, then NUL bytes.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { TabularFormat } from '../../../schemas/profile.js';

export type Encoding = Exclude<TabularFormat['encoding'], 'detect'>;

export type Decoded = { ok: true; text: string; encoding: Encoding } | { ok: false; reason: string };

function bomOf(bytes: Buffer): { encoding: Encoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** Thrown by a chunk decoder on bytes that are not valid in its encoding (strict UTF-8 only). */
class InvalidBytes extends Error {}

/** A streaming decoder: `write` each chunk in order, then `end`. */
interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

function chunkDecoder(encoding: Encoding): ChunkDecoder {
  switch (encoding) {
    case 'utf-8': {
      const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      const decode = (chunk?: Buffer) => {
        try {
          return chunk ? utf8.decode(chunk, { stream: true }) : utf8.decode();
        } catch {
          throw new InvalidBytes();
        }
      };
      return { write: (chunk) => decode(chunk), end: () => decode() };
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

function invalidReason(encoding: Encoding): string {
  return `onleesbaar: de tekens zijn geen geldige ${encoding.toUpperCase()} (controleer de tekenset in het profiel)`;
}

function binaryReason(encoding: Encoding): string {
  return `onleesbaar: het bestand bevat binaire gegevens en is geen tekstbestand in ${encoding.toUpperCase()}`;
}

function decodeAs(bytes: Buffer, encoding: Encoding): string | undefined {
  const decoder = chunkDecoder(encoding);
  try {
    return decoder.write(bytes) + decoder.end();
  } catch (error) {
    if (error instanceof InvalidBytes) return undefined;
    throw error;
  }
}

/** Decodes `bytes` as the profile says (or detects); a BOM matching the encoding is dropped. */
export function decodeText(bytes: Buffer, wanted: TabularFormat['encoding']): Decoded {
  const bom = bomOf(bytes);
  let encoding: Encoding;
  if (wanted === 'detect') {
    encoding = bom?.encoding ?? (decodeAs(bytes, 'utf-8') !== undefined ? 'utf-8' : 'windows-1252');
  } else {
    encoding = wanted;
  }
  const body = bom && bom.encoding === encoding ? bytes.subarray(bom.length) : bytes;
  const text = decodeAs(body, encoding);
  if (text === undefined) return { ok: false, reason: invalidReason(encoding) };
  if (text.includes('\u0000')) return { ok: false, reason: binaryReason(encoding) };
  return { ok: true, text, encoding };
}

/** Where `decodeFile` sends the text, chunk by chunk. */
export interface TextSink {
  write(text: string): void;
  /** Forget everything written: the file is decoded again in another encoding. */
  reset(): void;
}

export type FileDecoded =
  | {
      ok: true;
      encoding: Encoding;
      /** The text is empty or only white space. */
      blank: boolean;
    }
  | { ok: false; reason: string };

/** Read size: large enough that a chunk's overhead is nothing, small enough to stay out of the way. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Decodes the file at `path` as the profile says (or detects) into `sink`, with the verdicts of
 * `decodeText`. Without a BOM, `detect` reads the file as UTF-8 and, at the first byte that is not, again
 * as Windows-1252 (after `sink.reset()`). Text after a NUL byte is not written: the file is rejected.
 */
export async function decodeFile(
  path: string,
  wanted: TabularFormat['encoding'],
  sink: TextSink,
): Promise<FileDecoded> {
  const head = Buffer.alloc(3);
  const fd = openSync(path, 'r');
  let headLength: number;
  try {
    headLength = readSync(fd, head, 0, 3, 0);
  } finally {
    closeSync(fd);
  }
  const bom = bomOf(head.subarray(0, headLength));
  const tries: Encoding[] = wanted !== 'detect' ? [wanted] : bom ? [bom.encoding] : ['utf-8', 'windows-1252'];
  for (const [n, encoding] of tries.entries()) {
    if (n > 0) sink.reset();
    const skip = bom && bom.encoding === encoding ? bom.length : 0;
    const verdict = await decodePass(path, skip, encoding, sink);
    if (verdict === 'invalid') {
      if (n < tries.length - 1) continue;
      return { ok: false, reason: invalidReason(encoding) };
    }
    return verdict;
  }
  throw new Error('unreachable: every encoding was tried');
}

async function decodePass(
  path: string,
  skip: number,
  encoding: Encoding,
  sink: TextSink,
): Promise<FileDecoded | 'invalid'> {
  const decoder = chunkDecoder(encoding);
  let binary = false;
  let blank = true;
  const take = (text: string) => {
    // After a NUL byte the file is rejected, but decoding goes on: invalid bytes later decide first.
    if (binary || text === '') return;
    if (text.includes('\u0000')) {
      binary = true;
      return;
    }
    if (blank && /\S/.test(text)) blank = false;
    sink.write(text);
  };
  try {
    for await (const chunk of createReadStream(path, { start: skip, highWaterMark: CHUNK_BYTES })) {
      take(decoder.write(chunk as Buffer));
    }
    take(decoder.end());
  } catch (error) {
    if (error instanceof InvalidBytes) return 'invalid';
    throw error;
  }
  if (binary) return { ok: false, reason: binaryReason(encoding) };
  return { ok: true, encoding, blank };
}
