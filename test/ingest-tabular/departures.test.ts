/**
 * Files in another dialect than their profile says (delivery.md §3.4): each departure alone and several
 * together load exactly the rows of the same data in the profile's dialect, and each departure is
 * recorded (meta.dialects) and shown in Dutch in the gemeente's data-quality section. A file that no
 * allowed dialect reads with its required columns, or that two read differently, is rejected whole with
 * every dialect tried.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { buildModels } from '../../pipelines/models/index.js';
import { renderQuality } from '../../reports/quality.js';
import { readDataQuality } from '../../reports/queries.js';
import { BSN, CLIENTBESTAND_HEADER, expectReconciled, ingest, UITKOMSTEN_HEADER } from './helpers.js';

interface Dialect {
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le-bom' | 'utf-16le';
  delimiter: ';' | ',' | '\t';
  /** Title rows above the header. */
  titles: number;
  date: 'dd-mm-jjjj' | 'd-m-jjjj' | 'jjjj-mm-dd' | 'dd/mm/jjjj';
  decimal: 'comma' | 'point';
  eol: '\r\n' | '\n';
}

/** What the profile below agreed to: UTF-16LE, `,`, the header on line 3, ISO dates, decimal points. */
const profiled: Dialect = {
  encoding: 'utf-16le-bom',
  delimiter: ',',
  titles: 2,
  date: 'jjjj-mm-dd',
  decimal: 'point',
  eol: '\r\n',
};
const profile = {
  tabular: {
    encoding: 'utf-16le',
    delimiter: ',',
    dateFormats: ['jjjj-mm-dd'],
    decimal: 'point',
    headerRow: 3,
  },
};

function formatDate(iso: string, f: Dialect['date']): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  switch (f) {
    case 'dd-mm-jjjj':
      return `${d}-${m}-${y}`;
    case 'd-m-jjjj':
      return `${Number(d)}-${Number(m)}-${y}`;
    case 'jjjj-mm-dd':
      return iso;
    case 'dd/mm/jjjj':
      return `${d}/${m}/${y}`;
  }
}

function formatCents(cents: number, decimal: Dialect['decimal']): string {
  const euros = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, decimal === 'comma' ? '.' : ',');
  return decimal === 'comma' ? `${grouped},${rest}` : `${grouped}.${rest}`;
}

/** The data, in standard form: ISO dates, budgets in cents; `opmerking` is free text the ingest skips. */
const uitkomsten = [1, 2, 3].map((i) => ({
  gemeente: 'GM0193',
  bsn: [BSN.a, BSN.b, BSN.c][i - 1]!,
  toewijzingnummer: String(1000 + i),
  aanbieder_agb: '12345678',
  productcode: '45A07',
  einddatum: `2026-0${i}-1${i}`,
  informant: i === 2 ? 'O' : 'J',
  doelrealisatie: String(i),
  tevredenheid: String(6 + i),
  zonder_hulp_verder: '04',
  meetdatum: `2026-0${i}-2${i}`,
  opmerking: i === 1 ? 'café, “goed” gegaan; € 0' : '',
}));

const clienten = [1, 2, 3].map((i) => ({
  gemeente: 'GM0193',
  bsn: [BSN.a, BSN.b, BSN.c][i - 1]!,
  geboortedatum: `2012-0${i}-0${i}`,
  geslacht: '1',
  postcode: '8011 AB',
  toewijzingnummer: String(2000 + i),
  aanbieder_agb: '12345678',
  productcategorie: '45',
  productcode: '45A07',
  toewijzingsdatum: '2026-02-01',
  ingangsdatum: '2026-02-01',
  einddatum: '2026-12-31',
  volume: '10',
  eenheid: '04',
  frequentie: '2',
  budget: [123450, 99, 1234567][i - 1]!,
  verwijzer: '02',
  start_zorg: '2026-02-03',
  einde_zorg: '2026-09-30',
  reden_beeindiging: '31',
}));

/** The date columns of a clientbestand. */
const DATE_COLUMNS = [
  'einddatum',
  'einde_zorg',
  'geboortedatum',
  'ingangsdatum',
  'start_zorg',
  'toewijzingsdatum',
];
const DATES = new Set([
  'einddatum',
  'meetdatum',
  'geboortedatum',
  'toewijzingsdatum',
  'ingangsdatum',
  'start_zorg',
  'einde_zorg',
]);

function cell(column: string, value: string | number, d: Dialect): string {
  const text =
    column === 'budget'
      ? formatCents(value as number, d.decimal)
      : DATES.has(column)
        ? formatDate(String(value), d.date)
        : String(value);
  return /[",;\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function render(rows: Record<string, string | number>[], header: string[], d: Dialect): Buffer {
  const lines = [
    ...Array.from({ length: d.titles }, (_, i) => (i === 0 ? 'Export uitkomsten RIJM' : '')),
    header.join(d.delimiter),
    ...rows.map((r) => header.map((c) => cell(c, r[c] ?? '', d)).join(d.delimiter)),
  ];
  const text = lines.join(d.eol) + d.eol;
  switch (d.encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'windows-1252':
      return iconv.encode(text, 'win1252');
    case 'utf-16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    case 'utf-16le':
      return iconv.encode(text, 'utf-16le');
  }
}

const UIT = [...UITKOMSTEN_HEADER, 'opmerking'];

/** Each departure alone and several together, with the departures (Dutch) each must record. */
const variants: [string, Partial<Dialect>, string[]][] = [
  ['profiel', {}, []],
  ['bom', { encoding: 'utf-8-bom' }, ['tekenset UTF-8 met BOM in plaats van UTF-16LE']],
  ['cp1252', { encoding: 'windows-1252' }, ['tekenset Windows-1252 in plaats van UTF-16LE']],
  ['utf16-zonder-bom', { encoding: 'utf-16le' }, []],
  ['puntkomma', { delimiter: ';' }, ["scheidingsteken ';' in plaats van ','"]],
  ['tab', { delimiter: '\t' }, ["scheidingsteken tab in plaats van ','"]],
  ['kopregel-1', { titles: 0 }, ['kopregel op regel 1 in plaats van regel 3']],
  ['kopregel-5', { titles: 4, eol: '\n' }, ['kopregel op regel 5 in plaats van regel 3']],
  [
    'datum-nl',
    { date: 'dd-mm-jjjj' },
    [
      'datumformaat dd-mm-jjjj in plaats van jjjj-mm-dd (kolom einddatum)',
      'datumformaat dd-mm-jjjj in plaats van jjjj-mm-dd (kolom meetdatum)',
    ],
  ],
  [
    'datum-kort',
    { date: 'd-m-jjjj' },
    [
      'datumformaat d-m-jjjj in plaats van jjjj-mm-dd (kolom einddatum)',
      'datumformaat d-m-jjjj in plaats van jjjj-mm-dd (kolom meetdatum)',
    ],
  ],
  [
    'samen',
    { encoding: 'utf-8-bom', delimiter: ';', titles: 0, date: 'dd/mm/jjjj' },
    [
      'tekenset UTF-8 met BOM in plaats van UTF-16LE',
      "scheidingsteken ';' in plaats van ','",
      'kopregel op regel 1 in plaats van regel 3',
      'datumformaat dd/mm/jjjj in plaats van jjjj-mm-dd (kolom einddatum)',
      'datumformaat dd/mm/jjjj in plaats van jjjj-mm-dd (kolom meetdatum)',
    ],
  ],
];

const comparable = (rows: Record<string, unknown>[]) =>
  rows.map(({ line: _l, file_date: _f, delivery_id: _d, ...r }) => r);

async function departures(r: Awaited<ReturnType<typeof ingest>>) {
  const rows = await r.db.all<{ file_name: string; omschrijving: string }>(
    'select file_name, omschrijving from meta.dialects where afwijkend order by file_name, aspect, kolom',
  );
  const by: Record<string, string[]> = {};
  for (const x of rows) {
    by[x.file_name] ??= [];
    by[x.file_name]!.push(x.omschrijving);
  }
  for (const list of Object.values(by)) list.sort();
  return by;
}

describe('a CSV in another dialect than its profile', () => {
  it('loads the same rows as in the profile dialect, alone and combined, and records each departure', async () => {
    const files: Record<string, Buffer> = {};
    for (const [name, over] of variants) {
      files[`uitkomsten_20261101_${name}.csv`] = render(uitkomsten, UIT, { ...profiled, ...over });
    }
    const r = await ingest(files, profile);
    const rowsOf = async (name: string) =>
      comparable(
        await r.db.all(
          `select u.* from raw.uitkomsten u join meta.deliveries d using (delivery_id)
           where d.file_name = $1 order by toewijzingnummer`,
          [name],
        ),
      );
    const baseline = await rowsOf('uitkomsten_20261101_profiel.csv');
    expect(baseline).toHaveLength(3);
    expect(baseline[0]).toMatchObject({ einddatum: '2026-01-11', meetdatum: '2026-01-21', tevredenheid: 7 });
    const recorded = await departures(r);
    for (const [name, , expected] of variants) {
      const file = `uitkomsten_20261101_${name}.csv`;
      expect(r.deliveries[file], file).toMatchObject({ result: 'geladen', records_loaded: 3 });
      expect(await rowsOf(file), file).toEqual(baseline);
      expect(recorded[file] ?? [], file).toEqual(expected.sort());
    }
    await expectReconciled(r);
  });

  it('reads the decimal mark from the amounts, alone and with other departures', async () => {
    const files = {
      'clientbestand_20261101_profiel.csv': render(clienten, CLIENTBESTAND_HEADER, profiled),
      'clientbestand_20261101_komma.csv': render(clienten, CLIENTBESTAND_HEADER, {
        ...profiled,
        decimal: 'comma',
      }),
      'clientbestand_20261101_excel.csv': render(clienten, CLIENTBESTAND_HEADER, {
        encoding: 'windows-1252',
        delimiter: ';',
        titles: 0,
        date: 'd-m-jjjj',
        decimal: 'comma',
        eol: '\r\n',
      }),
    };
    const r = await ingest(files, profile);
    const budgets = await r.db.all<{ file_name: string; budget_cent: number }>(
      `select d.file_name, c.budget_cent from raw.clientbestand c join meta.deliveries d using (delivery_id)
       order by d.file_name, c.toewijzingnummer`,
    );
    for (const file of Object.keys(files)) {
      expect(
        budgets.filter((b) => b.file_name === file).map((b) => b.budget_cent),
        file,
      ).toEqual([123450, 99, 1234567]);
    }
    const recorded = await departures(r);
    expect(recorded['clientbestand_20261101_profiel.csv']).toBeUndefined();
    expect(recorded['clientbestand_20261101_komma.csv']).toEqual([
      "decimaalteken ',' in plaats van '.' (kolom budget)",
    ]);
    expect(recorded['clientbestand_20261101_excel.csv']).toEqual(
      [
        // Only ASCII: the same text in every 8-bit encoding, read as UTF-8.
        'tekenset UTF-8 in plaats van UTF-16LE',
        "scheidingsteken ';' in plaats van ','",
        'kopregel op regel 1 in plaats van regel 3',
        "decimaalteken ',' in plaats van '.' (kolom budget)",
        // 31-12-2026 fits dd-mm-jjjj too, the first format it fits.
        ...DATE_COLUMNS.map(
          (k) =>
            `datumformaat ${k === 'einddatum' ? 'dd-mm-jjjj' : 'd-m-jjjj'} in plaats van jjjj-mm-dd (kolom ${k})`,
        ),
      ].sort(),
    );
    await expectReconciled(r);
  });
});

describe('a CSV quoted otherwise than its profile says', () => {
  it('reads a file quoted with \'"\' where the profile says "\'"', async () => {
    const quoted = (cells: string[]) => cells.map((c) => `"${c}"`).join(';');
    const text = [quoted(UITKOMSTEN_HEADER), quoted(Object.values(uitkomsten[0]!).slice(0, 11))].join('\n');
    const r = await ingest(
      { 'uitkomsten_20261101.csv': `${text}\n` },
      { tabular: { delimiter: ';', quote: "'" } },
    );
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({ result: 'geladen', records_loaded: 1 });
    expect((await departures(r))['uitkomsten_20261101.csv']).toEqual([
      `aanhalingsteken '"' in plaats van "'"`,
    ]);
  });
});

describe('files no allowed dialect reads, or two read differently', () => {
  it('rejects amounts where a separator could be the decimal mark or group thousands, naming both readings', async () => {
    // '1.234' in every row: the profile's decimal point reads none of them (three decimals); the comma
    // reads each as 1234 with a thousands dot, but each could as well be 1.234 with a decimal point.
    const rows = clienten.map((c) => ({ ...c, budget: 0 }));
    const text = render(rows, CLIENTBESTAND_HEADER, profiled)
      .toString('utf16le')
      .replace(/,0\.00,/g, () => ',"1.234",');
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(text.replace(/^\uFEFF/, ''), 'utf16le'),
    ]);
    const r = await ingest({ 'clientbestand_20261101.csv': bytes }, profile);
    expect(r.deliveries['clientbestand_20261101.csv']).toMatchObject({
      result: 'afgewezen',
      records_loaded: 0,
    });
    expect(r.deliveries['clientbestand_20261101.csv']!.reason).toBe(
      "niet eenduidig te lezen: een bedrag als '1.234' in kolom budget is met decimaalteken ',' 1234 euro en met '.' 1.234 euro; geprobeerd: decimaalteken '.' (het profiel) leest 0 van de 3 bedragen, ',' leest er 3, maar geen enkel bedrag alleen op die manier",
    );
    expect(await r.rows('clientbestand')).toEqual([]);
    expect(await r.quarantine()).toEqual([]);
    // The profile's own mark settles the same amounts: a comma profile reads 1.234 as 1234 euro.
    const told = await ingest(
      { 'clientbestand_20261101.csv': bytes },
      { tabular: { ...profile.tabular, decimal: 'comma' } },
    );
    expect((await told.rows('clientbestand')).map((x) => x.budget_cent)).toEqual([123400, 123400, 123400]);
  });

  it('rejects a header two delimiters read, neither the profile’s', async () => {
    // Split on ';' the line holds the seven required columns and 'x,gemeente,…'; split on ',' it holds
    // 'gemeente;…;x' and the seven again.
    const both = `${[...UITKOMSTEN_HEADER.slice(0, 7), 'x'].join(';')},${UITKOMSTEN_HEADER.slice(0, 7).join(',')}`;
    const r = await ingest(
      { 'uitkomsten_20261101.csv': `${both}\nGM0193;${BSN.a}\n` },
      { tabular: { delimiter: '\t' } },
    );
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({ result: 'afgewezen' });
    expect(r.deliveries['uitkomsten_20261101.csv']!.reason).toBe(
      "niet eenduidig te lezen (UTF-8): meer dan één scheidingsteken geeft een kopregel met de verplichte kolommen (met ';' op regel 1, met ',' op regel 1) en geen ervan is dat van het profiel",
    );
  });

  it('rejects a file without its required columns in any dialect, naming each one tried', async () => {
    const text = render(uitkomsten, ['gemeente', 'bsn', 'einddatum'], { ...profiled, encoding: 'utf-8' });
    const r = await ingest({ 'uitkomsten_20261101.csv': text }, profile);
    expect(r.deliveries['uitkomsten_20261101.csv']!.reason).toBe(
      "geen uitkomsten-bestand: verplichte kolommen ontbreken in de eerste 20 regels, bij elk toegestaan scheidingsteken (gelezen als UTF-8); geprobeerd: ',' mist toewijzingnummer, aanbieder_agb, productcode, informant; ';' mist gemeente, bsn, toewijzingnummer, aanbieder_agb, productcode, einddatum, informant; tab mist gemeente, bsn, toewijzingnummer, aanbieder_agb, productcode, einddatum, informant",
    );
  });
});

describe('an XLSX in another dialect than its profile', () => {
  async function workbook(
    titles: number,
    date: Dialect['date'],
    decimal: Dialect['decimal'],
  ): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    for (let i = 0; i < titles; i++) ws.addRow([i === 0 ? 'Rapportage' : null]);
    ws.addRow(CLIENTBESTAND_HEADER);
    for (const c of clienten) {
      // Dates and budgets as text, as an export that writes its own formats does.
      ws.addRow(
        CLIENTBESTAND_HEADER.map((h) =>
          cell(h, c[h as keyof typeof c], { ...profiled, date, decimal }).replaceAll('"', ''),
        ),
      );
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('loads the same rows with the header on another row and text dates and amounts in another format', async () => {
    const r = await ingest(
      {
        'clientbestand_20261101_profiel.xlsx': await workbook(2, 'jjjj-mm-dd', 'point'),
        'clientbestand_20261101_anders.xlsx': await workbook(0, 'dd-mm-jjjj', 'comma'),
      },
      profile,
    );
    const rowsOf = async (name: string) =>
      comparable(
        await r.db.all(
          `select c.* from raw.clientbestand c join meta.deliveries d using (delivery_id)
           where d.file_name = $1 order by toewijzingnummer`,
          [name],
        ),
      );
    const baseline = await rowsOf('clientbestand_20261101_profiel.xlsx');
    expect(baseline).toHaveLength(3);
    expect(await rowsOf('clientbestand_20261101_anders.xlsx')).toEqual(baseline);
    const recorded = await departures(r);
    expect(recorded['clientbestand_20261101_profiel.xlsx']).toBeUndefined();
    expect(recorded['clientbestand_20261101_anders.xlsx']).toEqual(
      [
        "decimaalteken ',' in plaats van '.' (kolom budget)",
        'kopregel op rij 1 in plaats van rij 3',
        ...DATE_COLUMNS.map((k) => `datumformaat dd-mm-jjjj in plaats van jjjj-mm-dd (kolom ${k})`),
      ].sort(),
    );
  });
});

describe('the data-quality section', () => {
  it('lists each departure of the gemeente in Dutch, with its file', async () => {
    const r = await ingest(
      {
        'uitkomsten_20261101.csv': render(uitkomsten, UIT, {
          ...profiled,
          delimiter: ';',
          encoding: 'utf-8-bom',
        }),
      },
      profile,
    );
    const clock = () => new Date('2026-11-23T02:00:00Z');
    await buildModels(r.db, { peildatum: '2026-11-22', log: memoryLogger(clock), clock });
    const quality = (await readDataQuality(r.db)).for('GM0193');
    const text = renderQuality(quality, '2026-11-22', false, (c) => c).toString();
    expect(text).toContain('Bestanden die afwijken van het profiel');
    expect(text).toContain(
      '<td class="tekst">uitkomsten_20261101.csv</td><td class="tekst">afwijkend van het profiel: scheidingsteken &#39;;&#39; in plaats van &#39;,&#39;</td>',
    );
    expect(text).toContain('afwijkend van het profiel: tekenset UTF-8 met BOM in plaats van UTF-16LE');
    const region = renderQuality(
      (await readDataQuality(r.db)).for(null),
      '2026-11-22',
      true,
      () => 'Zwolle',
    ).toString();
    expect(region).toContain('<td class="tekst">Zwolle</td><td class="tekst">uitkomsten_20261101.csv</td>');
  });
});
