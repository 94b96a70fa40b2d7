/**
 * Every CSV dialect feature of delivery.md §3.4, each read as the profile says (or detected).
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  BSN,
  CLIENTBESTAND_HEADER,
  clientrij,
  csv,
  expectReconciled,
  ingest,
  UITKOMSTEN_HEADER,
  uitkomst,
} from './helpers.js';

const twoRows = (delimiter = ';', eol = '\n') =>
  csv([UITKOMSTEN_HEADER, uitkomst(), uitkomst({ bsn: BSN.b, informant: 'O' })], delimiter, eol);

describe('delimiters', () => {
  for (const delimiter of [';', ',', '\t']) {
    it(`reads ${JSON.stringify(delimiter)} as told by the profile and when detected`, async () => {
      for (const told of [delimiter, 'detect']) {
        const r = await ingest(
          { 'uitkomsten_20261101.csv': twoRows(delimiter) },
          { tabular: { delimiter: told } },
        );
        expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({
          result: 'geladen',
          records_loaded: 2,
        });
        expect((await r.rows('uitkomsten')).map((x) => x.informant)).toEqual(['J', 'O']);
      }
    });
  }

  it('takes a per-type override over the profile-wide delimiter', async () => {
    const r = await ingest(
      { 'uitkomsten_20261101.csv': twoRows(',') },
      { tabular: { delimiter: ';' }, types: { uitkomsten: { delimiter: ',' } } },
    );
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({ result: 'geladen', records_loaded: 2 });
  });
});

describe('quoting and line ends', () => {
  it('keeps quoted delimiters and line breaks inside a value and numbers lines as the user sees them', async () => {
    const header = [...UITKOMSTEN_HEADER, 'opmerking'];
    const text = csv([
      header,
      [...uitkomst(), '"zie ""dossier""; bel ouder\nna 17 uur\nof mail"'],
      [...uitkomst({ bsn: BSN.bad }), 'kort'],
      [...uitkomst({ bsn: BSN.b }), '"a;b"'],
    ]);
    const r = await ingest({ 'uitkomsten_20261101.csv': text });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({ records_read: 3, records_loaded: 2 });
    // Header line 1, first row lines 2–4, the bad row on line 5, the last on line 6.
    expect((await r.rows('uitkomsten')).map((x) => x.line)).toEqual([2, 6]);
    expect(await r.quarantine()).toMatchObject([{ line: 5, column_name: 'bsn', rule: 'bsn_elfproef' }]);
  });

  for (const [name, eol] of [
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR only', '\r'],
  ]) {
    it(`reads ${name} line ends, also inside quoted values`, async () => {
      const text = csv(
        [
          [...UITKOMSTEN_HEADER, 'opmerking'],
          [...uitkomst(), `"regel een${eol}regel twee"`],
          [...uitkomst({ bsn: BSN.b, einddatum: '32-10-2026' }), ''],
          [...uitkomst({ bsn: BSN.c }), ''],
        ],
        ';',
        eol!,
      );
      const r = await ingest({ 'uitkomsten_20261101.csv': text });
      expect((await r.rows('uitkomsten')).map((x) => x.line)).toEqual([2, 5]);
      expect(await r.quarantine()).toMatchObject([
        { line: 4, column_name: 'einddatum', value: '32-10-2026' },
      ]);
      await expectReconciled(r);
    });
  }

  it('skips blank lines and lines of only delimiters without counting them', async () => {
    const text = `${UITKOMSTEN_HEADER.join(';')}\n\n${uitkomst().join(';')}\n;;;;;;;;;;\n   \n`;
    const r = await ingest({ 'uitkomsten_20261101.csv': text });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({ records_read: 1, records_loaded: 1 });
    expect((await r.rows('uitkomsten'))[0]!.line).toBe(3);
  });
});

describe('encodings', () => {
  const text = csv([
    CLIENTBESTAND_HEADER,
    clientrij({ budget: '€ 1.234,50' }),
    clientrij({ productcode: '“45A07”', toewijzingnummer: '2002' }),
  ]);

  it('reads UTF-8 with and without BOM', async () => {
    for (const bytes of [
      Buffer.from(text, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    ]) {
      const r = await ingest({ 'clientbestand_20261101.csv': bytes }, { tabular: { encoding: 'detect' } });
      expect((await r.rows('clientbestand'))[0]).toMatchObject({ gemeente: 'GM0193', budget_cent: 123450 });
      expect((await r.quarantine())[0]).toMatchObject({ line: 3, value: '“45A07”', rule: 'patroon' });
    }
  });

  it('reads Windows-1252 with € and curly quotes, told and detected, and stores them correctly', async () => {
    const bytes = iconv.encode(text, 'win1252');
    expect(bytes.includes(0x80)).toBe(true); // € is 0x80 in Windows-1252, not a valid UTF-8 byte
    for (const encoding of ['windows-1252', 'detect']) {
      const r = await ingest({ 'clientbestand_20261101.csv': bytes }, { tabular: { encoding } });
      expect((await r.rows('clientbestand'))[0]).toMatchObject({ budget_cent: 123450 });
      expect((await r.quarantine())[0]).toMatchObject({
        line: 3,
        column_name: 'productcode',
        value: '“45A07”',
      });
    }
  });

  it('reads UTF-16LE with BOM, told and detected', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(text.replaceAll(';', '\t'), 'utf16le'),
    ]);
    for (const encoding of ['utf-16le', 'detect']) {
      const r = await ingest(
        { 'clientbestand_20261101.csv': bytes },
        { tabular: { encoding, delimiter: '\t' } },
      );
      expect((await r.rows('clientbestand'))[0]).toMatchObject({ budget_cent: 123450 });
      expect((await r.quarantine())[0]).toMatchObject({ line: 3, value: '“45A07”' });
    }
  });
});

describe('dates and amounts', () => {
  const cases: [string, string][] = [
    ['dd-mm-jjjj', '05-03-2026'],
    ['d-m-jjjj', '5-3-2026'],
    ['jjjj-mm-dd', '2026-03-05'],
    ['dd/mm/jjjj', '05/03/2026'],
  ];
  for (const [format, value] of cases) {
    it(`reads dates as ${format} told by the profile, also beside other allowed formats, and rejects what is no date`, async () => {
      const other = format === 'jjjj-mm-dd' ? '05-03-2026' : '2026-03-05';
      const r = await ingest(
        {
          'uitkomsten_20261101.csv': csv([
            UITKOMSTEN_HEADER,
            uitkomst({ einddatum: value, meetdatum: '' }),
            uitkomst({ bsn: BSN.b, einddatum: other, meetdatum: '' }),
            uitkomst({ bsn: BSN.c, einddatum: '2026.03.05', meetdatum: '' }),
          ]),
        },
        { tabular: { dateFormats: [format] } },
      );
      expect((await r.rows('uitkomsten')).map((x) => x.einddatum)).toEqual(['2026-03-05', '2026-03-05']);
      const others = ['dd-mm-jjjj', 'd-m-jjjj', 'jjjj-mm-dd', 'dd/mm/jjjj'].filter((f) => f !== format);
      expect(await r.quarantine()).toMatchObject([
        {
          line: 4,
          column_name: 'einddatum',
          value: '2026.03.05',
          rule: 'datum_ongeldig',
          reason: `einddatum is geen datum in het formaat ${format} (of ${others.join(', ')}).`,
        },
      ]);
    });
  }

  it('tries several date formats in order', async () => {
    const r = await ingest(
      {
        'uitkomsten_20261101.csv': csv([
          UITKOMSTEN_HEADER,
          uitkomst({ einddatum: '2026-03-05', meetdatum: '06-03-2026' }),
        ]),
      },
      { tabular: { dateFormats: ['dd-mm-jjjj', 'jjjj-mm-dd'] } },
    );
    expect(await r.rows('uitkomsten')).toMatchObject([{ einddatum: '2026-03-05', meetdatum: '2026-03-06' }]);
  });

  it('reads decimal commas with thousands dots, and decimal points', async () => {
    const comma = ['1.234.567,89', '1234,5', '12', '€ 1.234,50'];
    const point = ['1234567.89', '1,234.5', '12', '€1234.50'];
    const cents = [123456789, 123450, 1200, 123450];
    for (const [decimal, values] of [
      ['comma', comma],
      ['point', point],
    ] as const) {
      const rows = values.map((b, i) => clientrij({ budget: b, toewijzingnummer: String(3000 + i) }));
      const r = await ingest(
        { 'clientbestand_20261101.csv': csv([CLIENTBESTAND_HEADER, ...rows]) },
        { tabular: { decimal } },
      );
      expect((await r.rows('clientbestand')).map((x) => x.budget_cent)).toEqual(cents);
    }
  });
});

describe('header and codes the municipality spells its own way', () => {
  it('finds the header below title rows, matches names case- and space-insensitively and through aliases', async () => {
    const header = UITKOMSTEN_HEADER.map((h) =>
      h === 'toewijzingnummer'
        ? 'Toewijzing nummer'
        : h === 'aanbieder_agb'
          ? 'AGB aanbieder'
          : h === 'zonder_hulp_verder'
            ? 'Zonder Hulp Verder'
            : h.toUpperCase(),
    );
    const text = csv([['Uitkomsten jeugdhulp t/m oktober'], ['Gemeente Zwolle;;;'], [], header, uitkomst()]);
    const r = await ingest(
      { 'uitkomsten_20261101.csv': text },
      { columnAliases: { 'agb Aanbieder': 'aanbieder_agb' } },
    );
    expect(await r.rows('uitkomsten')).toMatchObject([
      { line: 5, toewijzingnummer: '1001', aanbieder_agb: '12345678', zonder_hulp_verder: '04' },
    ]);
  });

  it('takes the header row the profile names', async () => {
    const text = csv([['gemeente;bsn;toewijzingnummer'], UITKOMSTEN_HEADER, uitkomst()]);
    const r = await ingest({ 'uitkomsten_20261101.csv': text }, { tabular: { headerRow: 2 } });
    expect(await r.rows('uitkomsten')).toMatchObject([{ line: 3 }]);
  });

  it('maps local code spellings to the standard codes, case-insensitively', async () => {
    const r = await ingest(
      {
        'uitkomsten_20261101.csv': csv([
          UITKOMSTEN_HEADER,
          uitkomst({ informant: 'Jeugdige' }),
          uitkomst({ bsn: BSN.b, informant: 'ouder' }),
        ]),
        'clientbestand_20261101.csv': csv([
          CLIENTBESTAND_HEADER,
          clientrij({ geslacht: 'V', eenheid: '4', reden_beeindiging: '2' }),
        ]),
      },
      { codeMaps: { informant: { jeugdige: 'J', Ouder: 'O' }, geslacht: { M: '1', V: '2' } } },
    );
    expect((await r.rows('uitkomsten')).map((x) => x.informant)).toEqual(['J', 'O']);
    // A one-digit code of a two-digit codelist (as Excel writes 04) is read as 04.
    expect(await r.rows('clientbestand')).toMatchObject([
      { geslacht: '2', eenheid: '04', reden_beeindiging: '02' },
    ]);
  });

  it('accepts the gemeente as GM0193 or 0193, and works without a profile', async () => {
    const r = await ingest(
      {
        'uitkomsten_20261101.csv': csv([
          UITKOMSTEN_HEADER,
          uitkomst({ gemeente: '0193' }),
          uitkomst({ gemeente: 'gm0193', bsn: BSN.b }),
        ]),
      },
      null,
    );
    expect((await r.rows('uitkomsten')).map((x) => x.gemeente)).toEqual(['GM0193', 'GM0193']);
  });
});
