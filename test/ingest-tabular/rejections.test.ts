/**
 * Every way a tabular file or row is refused: files rejected whole with their reason, rows quarantined
 * per fault with line, column, value and a Dutch reason, and rows read = loaded + quarantined always.
 */
import ExcelJS from 'exceljs';
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

async function rejectedWith(name: string, content: Buffer | string, profile: Record<string, unknown> = {}) {
  const r = await ingest({ [name]: content }, profile);
  const d = r.deliveries[name]!;
  expect(d.result).toBe('afgewezen');
  expect(d.records_loaded).toBe(0);
  expect(await r.rows(name.startsWith('uitkomsten') ? 'uitkomsten' : 'clientbestand')).toEqual([]);
  return String(d.reason);
}

describe('files rejected whole', () => {
  it('an empty file, or one of only blank lines', async () => {
    expect(await rejectedWith('uitkomsten_20261101.csv', '')).toBe('leeg bestand: er staat niets in');
    expect(await rejectedWith('uitkomsten_20261101.csv', '\r\n \r\n')).toBe(
      'leeg bestand: er staat niets in',
    );
  });

  it('a header without rows (CSV and XLSX)', async () => {
    expect(await rejectedWith('uitkomsten_20261101.csv', csv([UITKOMSTEN_HEADER]))).toBe(
      'alleen een kopregel (regel 1), geen gegevensregels',
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(['Titel']);
    ws.addRow(UITKOMSTEN_HEADER);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await rejectedWith('uitkomsten_20261101.xlsx', bytes)).toBe(
      'alleen een kopregel (rij 2), geen gegevensrijen',
    );
  });

  it('required columns missing, named', async () => {
    const header = UITKOMSTEN_HEADER.map((h) => (h === 'toewijzingnummer' ? 'toewijzingsnumer' : h)).filter(
      (h) => h !== 'informant',
    );
    expect(
      await rejectedWith('uitkomsten_20261101.csv', csv([header, uitkomst().slice(0, header.length)])),
    ).toBe(
      "geen uitkomsten-bestand: verplichte kolommen ontbreken in de eerste 20 regels, bij elk toegestaan scheidingsteken (gelezen als UTF-8); geprobeerd: ';' mist toewijzingnummer, informant; ',' mist gemeente, bsn, toewijzingnummer, aanbieder_agb, productcode, einddatum, informant; tab mist gemeente, bsn, toewijzingnummer, aanbieder_agb, productcode, einddatum, informant",
    );
    // An uitkomsten file delivered as clientbestand.
    expect(await rejectedWith('clientbestand_20261101.csv', csv([UITKOMSTEN_HEADER, uitkomst()]))).toMatch(
      /^geen clientbestand-bestand: verplichte kolommen ontbreken .*; geprobeerd: ';' mist geboortedatum, productcategorie, toewijzingsdatum, ingangsdatum; ','/,
    );
    // The profile names a header row beyond the first 20: both are searched, and both named.
    const titles = Array.from({ length: 24 }, (_, i) => [`titel ${i + 1}`]);
    expect(
      await rejectedWith('uitkomsten_20261101.csv', csv([...titles, UITKOMSTEN_HEADER, uitkomst()]), {
        tabular: { headerRow: 24, delimiter: ';' },
      }),
    ).toMatch(
      /^geen uitkomsten-bestand: verplichte kolommen ontbreken in de eerste 20 regels en in regel 24 \(de kopregel volgens het profiel\), bij elk toegestaan scheidingsteken \(gelezen als UTF-8\); geprobeerd: ';' mist gemeente, bsn,/,
    );
  });

  it('the header further down than 20 rows', async () => {
    const titles = Array.from({ length: 20 }, (_, i) => [`titel ${i + 1}`]);
    expect(
      await rejectedWith('uitkomsten_20261101.csv', csv([...titles, UITKOMSTEN_HEADER, uitkomst()])),
    ).toMatch(/verplichte kolommen ontbreken in de eerste 20 regels, bij elk/);
  });

  it('not a spreadsheet: a broken or old-format workbook, a PDF, a workbook without the header', async () => {
    expect(await rejectedWith('uitkomsten_20261101.xlsx', 'gemeente;bsn\n')).toBe(
      'geen leesbaar Excel-bestand (.xlsx): de inhoud is geen Excel-werkboek',
    );
    const cut = Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer()).subarray(0, 300);
    expect(await rejectedWith('uitkomsten_20261101.xlsx', cut)).toBe(
      'geen leesbaar Excel-bestand (.xlsx): het werkboek kan niet geopend worden',
    );
    const cfb = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
    ]);
    expect(await rejectedWith('uitkomsten_20261101.xls', cfb)).toMatch(/^oud Excel-formaat \(\.xls\)/);
    expect(await rejectedWith('uitkomsten_20261101.csv', '%PDF-1.7\n...')).toMatch(
      /^geen spreadsheet: het bestand is een PDF/,
    );
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Blad1').addRow(['Naam', 'Adres']);
    expect(await rejectedWith('uitkomsten_20261101.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))).toMatch(
      /^geen uitkomsten-bestand: verplichte kolommen ontbreken in de eerste 20 rijen van elk werkblad; geprobeerd: werkblad 'Blad1' mist gemeente, bsn,/,
    );
    expect(
      await rejectedWith('uitkomsten_20261101.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), {
        tabular: { sheet: 'Export' },
      }),
    ).toBe("werkblad 'Export' (volgens het profiel) ontbreekt in het werkboek");
  });

  it('unreadable: binary, in every allowed encoding', async () => {
    expect(
      await rejectedWith('uitkomsten_20261101.csv', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x50, 0x00])),
    ).toBe(
      'onleesbaar: het bestand bevat binaire gegevens (nul-bytes) en is in geen toegestane tekenset (UTF-8, Windows-1252, UTF-16) een tekstbestand',
    );
  });
});

describe('rows quarantined', () => {
  it('every rule of uitkomsten, one entry per fault, the row counted once', async () => {
    const rows = [
      uitkomst({ bsn: '' }), // 2
      uitkomst({ bsn: '12345678' }), // 3
      uitkomst({ bsn: BSN.bad }), // 4
      uitkomst({ gemeente: 'Zwolle' }), // 5
      uitkomst({ gemeente: 'GM0150' }), // 6
      uitkomst({ aanbieder_agb: '1234' }), // 7
      uitkomst({ productcode: '45A0' }), // 8
      uitkomst({ einddatum: '31-04-2026' }), // 9
      uitkomst({ einddatum: '2026/10/31' }), // 10
      uitkomst({ informant: 'X' }), // 11
      uitkomst({ doelrealisatie: '4' }), // 12
      uitkomst({ tevredenheid: '11' }), // 13
      uitkomst({ zonder_hulp_verder: '05' }), // 14
      uitkomst({ toewijzingnummer: 'T-1' }), // 15
      uitkomst({ bsn: BSN.bad, informant: '', tevredenheid: 'goed' }), // 16: three faults
      uitkomst({ bsn: BSN.b }), // 17: fine
    ];
    const r = await ingest({ 'uitkomsten_20261101.csv': csv([UITKOMSTEN_HEADER, ...rows]) });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({
      result: 'deels_afgewezen',
      records_read: 16,
      records_loaded: 1,
      records_quarantined: 15,
    });
    const q = await r.quarantine();
    expect(q.map((x) => [x.line, x.column_name, x.value, x.rule])).toEqual([
      [2, 'bsn', null, 'verplicht'],
      [3, 'bsn', '[bsn]', 'bsn_ongeldig'],
      [4, 'bsn', '[bsn]', 'bsn_elfproef'],
      [5, 'gemeente', 'Zwolle', 'gemeente_ongeldig'],
      [6, 'gemeente', 'GM0150', 'gemeente_andere_inbox'],
      [7, 'aanbieder_agb', '1234', 'patroon'],
      [8, 'productcode', '45A0', 'patroon'],
      [9, 'einddatum', '31-04-2026', 'datum_ongeldig'],
      [10, 'einddatum', '2026/10/31', 'datum_ongeldig'],
      [11, 'informant', 'X', 'code_onbekend'],
      [12, 'doelrealisatie', '4', 'code_onbekend'],
      [13, 'tevredenheid', '11', 'getal_ongeldig'],
      [14, 'zonder_hulp_verder', '05', 'code_onbekend'],
      [15, 'toewijzingnummer', 'T-1', 'patroon'],
      [16, 'bsn', '[bsn]', 'bsn_elfproef'],
      [16, 'informant', null, 'verplicht'],
      [16, 'tevredenheid', 'goed', 'getal_ongeldig'],
    ]);
    const reasons = Object.fromEntries(q.map((x) => [`${x.line} ${x.rule}`, x.reason]));
    expect(reasons).toMatchObject({
      '2 verplicht': 'Verplicht veld bsn is leeg.',
      '3 bsn_ongeldig': 'Het BSN moet uit 9 cijfers bestaan.',
      '4 bsn_elfproef': 'Het BSN voldoet niet aan de elfproef.',
      '5 gemeente_ongeldig': 'De gemeente is geen CBS-code (zoals GM0193) of gemeentecode (zoals 0193).',
      '6 gemeente_andere_inbox':
        'Gemeente GM0150 is niet de gemeente van deze map (GM0193); een gemeente levert alleen eigen gegevens aan.',
      '7 patroon': 'aanbieder_agb moet een AGB-code van 8 cijfers zijn.',
      '9 datum_ongeldig': 'einddatum: deze datum bestaat niet.',
      '10 datum_ongeldig':
        'einddatum is geen datum in het formaat dd-mm-jjjj of jjjj-mm-dd (of d-m-jjjj, dd/mm/jjjj).',
      '11 code_onbekend': 'informant: toegestaan zijn J (jeugdige), O (ouder/opvoeder).',
      '13 getal_ongeldig': 'tevredenheid moet een rapportcijfer van 1 tot en met 10 zijn.',
    });
    expect(q.every((x) => x.record_key === '1001' || x.line === 15)).toBe(true);
    await expectReconciled(r);
  });

  it('every rule of clientbestand, including the two-column rules', async () => {
    const rows = [
      clientrij({ geboortedatum: '30-02-2012' }), // 2
      clientrij({ geslacht: '3' }), // 3
      clientrij({ postcode: '0123 AB' }), // 4
      clientrij({ productcategorie: '99' }), // 5
      clientrij({ productcategorie: '' }), // 6
      clientrij({ eenheid: '99', frequentie: '9', verwijzer: '99' }), // 7
      clientrij({ volume: '2,5' }), // 8
      clientrij({ budget: '1234.50' }), // 9: a point in a comma profile
      clientrij({ einde_zorg: '01-02-2026' }), // 10: before start_zorg
      clientrij({ reden_beeindiging: '' }), // 11: einde_zorg without reden
      clientrij({ reden_beeindiging: '99' }), // 12
      clientrij({ einde_zorg: '', reden_beeindiging: '' }), // 13: fine, care goes on
    ];
    const r = await ingest({ 'clientbestand_20261101.csv': csv([CLIENTBESTAND_HEADER, ...rows]) });
    const q = await r.quarantine();
    expect(q.map((x) => [x.line, x.column_name, x.value, x.rule])).toEqual([
      [2, 'geboortedatum', '[geboortedatum]', 'datum_ongeldig'],
      [3, 'geslacht', '3', 'code_onbekend'],
      [4, 'postcode', '[postcode]', 'postcode_ongeldig'],
      [5, 'productcategorie', '99', 'code_onbekend'],
      [6, 'productcategorie', null, 'verplicht'],
      [7, 'eenheid', '99', 'code_onbekend'],
      [7, 'frequentie', '9', 'code_onbekend'],
      [7, 'verwijzer', '99', 'code_onbekend'],
      [8, 'volume', '2,5', 'getal_ongeldig'],
      [9, 'budget', '1234.50', 'bedrag_ongeldig'],
      [10, 'einde_zorg', '01-02-2026', 'einde_voor_start'],
      [11, 'reden_beeindiging', null, 'reden_ontbreekt'],
      [12, 'reden_beeindiging', '99', 'code_onbekend'],
    ]);
    expect(q.find((x) => x.line === 7 && x.column_name === 'eenheid')!.reason).toBe(
      'eenheid: de code staat niet in codelijst WJ756.',
    );
    expect(q.find((x) => x.line === 9)!.reason).toBe("budget is geen bedrag in euro's zoals 1.234,50.");
    expect(await r.rows('clientbestand')).toMatchObject([
      { line: 13, einde_zorg: null, reden_beeindiging: null },
    ]);
    await expectReconciled(r);
  });

  it('lines read_csv cannot parse: too many or too few fields, text after a closing quote, an unclosed quote', async () => {
    const ok = uitkomst().join(';');
    const text = [
      UITKOMSTEN_HEADER.join(';'),
      ok, // 2
      `${ok};extra`, // 3
      uitkomst({ bsn: BSN.b }).slice(0, 5).join(';'), // 4
      uitkomst({ bsn: BSN.c, productcode: '"45A07"x' }).join(';'), // 5
      uitkomst({ bsn: BSN.b }).join(';'), // 6
      uitkomst({ productcode: '"45A07' }).join(';'), // 7: the quote never closes
      ok, // 8: swallowed by the open quote
      '',
    ].join('\n');
    const r = await ingest({ 'uitkomsten_20261101.csv': text });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({
      records_read: 6,
      records_loaded: 2,
      records_quarantined: 4,
    });
    expect((await r.quarantine()).map((x) => [x.line, x.rule, x.reason])).toEqual([
      [
        3,
        'regel_velden',
        'De regel heeft 12 velden, de kopregel 11 (een scheidingsteken of regeleinde in een waarde zonder aanhalingstekens?).',
      ],
      [
        4,
        'regel_velden',
        'De regel heeft 5 velden, de kopregel 11 (een scheidingsteken of regeleinde in een waarde zonder aanhalingstekens?).',
      ],
      [
        5,
        'regel_aanhalingsteken',
        'Tekst direct na een afsluitend aanhalingsteken; een aanhalingsteken binnen een waarde moet dubbel ("").',
      ],
      [
        7,
        'regel_aanhalingsteken',
        'Een aanhalingsteken wordt niet afgesloten: de rest van het bestand is als één waarde gelezen.',
      ],
    ]);
    await expectReconciled(r);
  });

  it('a quote opened early and never closed in a large file: the dialect is decided on its start', async () => {
    // The rest of the file is one record for the header search too: it does not wait for the end.
    const ok = uitkomst().join(';');
    const rest = `${uitkomst({ bsn: BSN.b }).join(';')}\n`.repeat(62_000);
    const text = `${UITKOMSTEN_HEADER.join(';')}\n${ok}\n${uitkomst({ productcode: '"45A07' }).join(';')}\n${rest}`;
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const r = await ingest({ 'uitkomsten_20261101.csv': text });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({
      result: 'deels_afgewezen',
      records_read: 2,
      records_loaded: 1,
      records_quarantined: 1,
    });
    expect((await r.quarantine()).map((x) => [x.line, x.rule])).toEqual([[3, 'regel_aanhalingsteken']]);
  });

  it('all rows bad: the file counts as rejected, its rows are in quarantine', async () => {
    const r = await ingest({
      'uitkomsten_20261101.csv': csv([UITKOMSTEN_HEADER, uitkomst({ bsn: BSN.bad })]),
    });
    expect(r.deliveries['uitkomsten_20261101.csv']).toMatchObject({
      result: 'afgewezen',
      records_read: 1,
      records_quarantined: 1,
    });
    await expectReconciled(r);
  });
});

describe('personal data', () => {
  it('never stores a BSN, a full birth date or a full postcode, loaded or quarantined', async () => {
    const r = await ingest({
      'clientbestand_20261101.csv': csv([
        CLIENTBESTAND_HEADER,
        clientrij({ postcode: '7701 XY' }),
        clientrij({ bsn: BSN.b, geboortedatum: '17-13-2012', postcode: '7701XY', toewijzingnummer: '2002' }),
        clientrij({ bsn: BSN.c, postcode: 'X7701 XY', toewijzingnummer: '2003' }),
      ]),
    });
    const everything = JSON.stringify([
      await r.db.all('select * from raw.clientbestand'),
      await r.db.all('select * from meta.quarantine'),
      await r.db.all('select * from meta.deliveries'),
    ]);
    for (const secret of [
      BSN.a,
      BSN.b,
      BSN.c,
      '17-05-2012',
      '2012-05-17',
      '17-13-2012',
      '7701 XY',
      '7701XY',
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(await r.rows('clientbestand')).toMatchObject([
      { geboortejaar: 2012, geboortemaand: 5, postcode4: '7701' },
    ]);
  });
});
