/**
 * Bytes of a delivered text file → text. `detect`: a BOM (UTF-8, UTF-16LE/BE) decides, else valid UTF-8
 * is UTF-8, else Windows-1252 (the usual Excel CSV export). Windows-1252 and UTF-16 go through
 * iconv-lite, because DuckDB's latin-1 and Node's TextDecoder map 0x80–0x9F (`€`, curly quotes) wrongly.
 */
import iconv from 'iconv-lite';
import type { TabularFormat } from '../../../schemas/profile.js';

export type Encoding = Exclude<TabularFormat['encoding'], 'detect'>;

export type Decoded = { ok: true; text: string; encoding: Encoding } | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function bomOf(bytes: Buffer): { encoding: Encoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

function decodeAs(bytes: Buffer, encoding: Encoding): string | undefined {
  switch (encoding) {
    case 'utf-8':
      try {
        return strictUtf8.decode(bytes);
      } catch {
        return undefined;
      }
    case 'windows-1252':
      return iconv.decode(bytes, 'win1252');
    case 'utf-16le':
    case 'utf-16be':
      // A trailing odd byte (a file cut off mid-character) is dropped; the cut row is then incomplete.
      return iconv.decode(bytes.subarray(0, bytes.length - (bytes.length % 2)), encoding, {
        stripBOM: false,
      });
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
  if (text === undefined) {
    return {
      ok: false,
      reason: `onleesbaar: de tekens zijn geen geldige ${encoding.toUpperCase()} (controleer de tekenset in het profiel)`,
    };
  }
  if (text.includes('\u0000')) {
    return {
      ok: false,
      reason: `onleesbaar: het bestand bevat binaire gegevens en is geen tekstbestand in ${encoding.toUpperCase()}`,
    };
  }
  return { ok: true, text, encoding };
}
