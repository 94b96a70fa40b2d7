/**
 * XLSX exports: the header below title rows, real date cells, numbers that lost their leading zeros or
 * carry a decimal point, the sheet that has the header.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import {
  BSN,
  CLIENTBESTAND_HEADER,
  clientrij,
  expectReconciled,
  ingest,
  UITKOMSTEN_HEADER,
  uitkomst,
} from './helpers.js';

type Cell = string | number | Date | null | { richText: { text: string }[] };

async function workbook(sheets: { name: string; rows: Cell[][]; dateColumns?: number[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const row of s.rows) ws.addRow(row);
    for (const c of s.dateColumns ?? []) ws.getColumn(c).numFmt = 'dd-mm-yyyy';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const date = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The same workbook with its zip parts in the given order (as other spreadsheet programs may write them). */
async function reordered(bytes: Buffer, order: (names: string[]) => string[]): Promise<Buffer> {
  const parts = new Map<string, Buffer>();
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))),
  );
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          parts.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      }),
    );
    zip.on('end', () => ok());
    zip.readEntry();
  });
  const out = new yazl.ZipFile();
  for (const name of order([...parts.keys()].filter((n) => !n.endsWith('/'))))
    out.addBuffer(parts.get(name)!, name);
  out.end();
  const chunks: Buffer[] = [];
  for await (const c of out.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const col = (name: string) => UITKOMSTEN_HEADER.indexOf(name) + 1;

describe('XLSX', () => {
  it('finds the header below title rows and reads real date cells whatever the date format', async () => {
    const row = uitkomst() as Cell[];
    row[col('einddatum') - 1] = date('2026-10-31');
    row[col('meetdatum') - 1] = date('2026-11-01');
    const bad = uitkomst({ bsn: BSN.b, meetdatum: '31-11-2026' }) as Cell[];
    bad[col('einddatum') - 1] = date('2026-10-30');
    const bytes = await workbook([
      {
        name: 'Export',
        rows: [['Uitkomsten jeugdhulp'], ['Gemeente Zwolle'], UITKOMSTEN_HEADER, row, [], bad],
        dateColumns: [col('einddatum'), col('meetdatum')],
      },
    ]);
    for (const profile of [
      {},
      { tabular: { headerRow: 3, dateFormats: ['jjjj-mm-dd'] } },
      { tabular: { dateFormats: ['d-m-jjjj'] } },
    ]) {
      const r = await ingest({ 'uitkomsten_20261101.xlsx': bytes }, profile);
      expect(await r.rows('uitkomsten')).toMatchObject([
        { line: 4, einddatum: '2026-10-31', meetdatum: '2026-11-01' },
      ]);
      // Row 5 is empty; the bad row is sheet row 6.
      expect(await r.quarantine()).toMatchObject([
        { line: 6, column_name: 'meetdatum', value: '31-11-2026', rule: 'datum_ongeldig' },
      ]);
      await expectReconciled(r);
    }
  });

  it('reads numbers: a BSN or AGB code that lost its leading zero, codes as digits, budget with a point in a comma profile', async () => {
    const header = CLIENTBESTAND_HEADER;
    const cells = clientrij() as Cell[];
    const at = (n: string) => header.indexOf(n);
    cells[at('bsn')] = 12345672; // BSN 012345672
    cells[at('aanbieder_agb')] = 1234567; // AGB 01234567
    cells[at('reden_beeindiging')] = 31;
    cells[at('verwijzer')] = 2; // 02
    cells[at('volume')] = 10;
    cells[at('budget')] = 1234.5;
    cells[at('geboortedatum')] = date('2012-05-17');
    cells[at('gemeente')] = { richText: [{ text: 'GM' }, { text: '0193' }] };
    const bytes = await workbook([{ name: 'Blad1', rows: [header, cells] }]);
    const r = await ingest({ 'clientbestand_20261101.xlsx': bytes }, { tabular: { decimal: 'comma' } });
    expect(await r.quarantine()).toEqual([]);
    expect(await r.rows('clientbestand')).toMatchObject([
      {
        gemeente: 'GM0193',
        aanbieder_agb: '01234567',
        reden_beeindiging: '31',
        verwijzer: '02',
        volume: 10,
        budget_cent: 123450,
        geboortejaar: 2012,
        geboortemaand: 5,
      },
    ]);
  });

  it('reads a workbook whose worksheet part comes before its workbook part', async () => {
    const bytes = await workbook([{ name: 'Export', rows: [UITKOMSTEN_HEADER, uitkomst()] }]);
    const late = (n: string) => n === 'xl/workbook.xml' || n.startsWith('xl/worksheets/');
    const odd = await reordered(bytes, (names) => [
      ...names.filter((n) => !late(n)),
      ...names.filter((n) => n.startsWith('xl/worksheets/')),
      'xl/workbook.xml',
    ]);
    const r = await ingest({ 'uitkomsten_20261101.xlsx': odd }, {});
    expect(await r.rows('uitkomsten')).toMatchObject([{ line: 2 }]);
    expect(await r.quarantine()).toEqual([]);
    await expectReconciled(r);
  });

  it('reads the first sheet that has the header, or the sheet the profile names', async () => {
    const bytes = await workbook([
      { name: 'Toelichting', rows: [['Dit werkblad legt de export uit.']] },
      { name: 'Uitkomsten', rows: [UITKOMSTEN_HEADER, uitkomst()] },
      { name: 'Vorige maand', rows: [UITKOMSTEN_HEADER, uitkomst({ bsn: BSN.b }), uitkomst({ bsn: BSN.c })] },
    ]);
    const first = await ingest({ 'uitkomsten_20261101.xlsx': bytes });
    expect(first.deliveries['uitkomsten_20261101.xlsx']).toMatchObject({
      result: 'geladen',
      records_read: 1,
    });
    const named = await ingest({ 'uitkomsten_20261101.xlsx': bytes }, { tabular: { sheet: 'Vorige maand' } });
    expect(named.deliveries['uitkomsten_20261101.xlsx']).toMatchObject({
      result: 'geladen',
      records_read: 2,
    });
  });
});
