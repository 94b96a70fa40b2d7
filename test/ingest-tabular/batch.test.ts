/**
 * The tabular files of a gemeente are loaded in one batch: each file keeps its own delivery, lines,
 * quarantine and outcome, and whether a file is `dubbel` still depends on what the files before it became.
 */
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

describe('tabular files loaded in one batch', () => {
  it('keeps rows, lines and faults with their own file', async () => {
    const r = await ingest({
      'uitkomsten_20260101.csv': csv([
        UITKOMSTEN_HEADER,
        uitkomst({ toewijzingnummer: '1' }),
        uitkomst({ toewijzingnummer: '2', informant: 'X' }),
      ]),
      'clientbestand_20260101.csv': csv([CLIENTBESTAND_HEADER, clientrij({ toewijzingnummer: '3' })]),
      'uitkomsten_20260102.csv': csv([
        ['titel'],
        UITKOMSTEN_HEADER,
        uitkomst({ toewijzingnummer: '4', bsn: BSN.bad }),
        uitkomst({ toewijzingnummer: '5', bsn: BSN.b }),
      ]),
    });
    await expectReconciled(r);
    expect(r.deliveries['uitkomsten_20260101.csv']).toMatchObject({ result: 'deels_afgewezen' });
    expect(r.deliveries['uitkomsten_20260102.csv']).toMatchObject({ result: 'deels_afgewezen' });
    expect(r.deliveries['clientbestand_20260101.csv']).toMatchObject({ result: 'geladen' });
    const rows = await r.db.all(
      `select d.file_name, u.line, u.toewijzingnummer from raw.uitkomsten u
       join meta.deliveries d using (delivery_id) order by d.file_name, u.line`,
    );
    expect(rows).toEqual([
      { file_name: 'uitkomsten_20260101.csv', line: 2, toewijzingnummer: '1' },
      { file_name: 'uitkomsten_20260102.csv', line: 4, toewijzingnummer: '5' },
    ]);
    expect((await r.quarantine()).map((q) => [q.file_name, q.line, q.rule])).toEqual([
      ['uitkomsten_20260101.csv', 3, 'code_onbekend'],
      ['uitkomsten_20260102.csv', 3, 'bsn_elfproef'],
    ]);
  });

  it('finds the same bytes under another name dubbel, unless the first file loaded nothing', async () => {
    const good = csv([UITKOMSTEN_HEADER, uitkomst()]);
    const bad = csv([UITKOMSTEN_HEADER, uitkomst({ informant: 'X' })]);
    const r = await ingest({
      'uitkomsten_20260101.csv': good,
      'uitkomsten_20260102.csv': good,
      'uitkomsten_20260103.csv': bad,
      'uitkomsten_20260104.csv': bad,
    });
    await expectReconciled(r);
    const result = (name: string) => r.deliveries[name]?.result;
    expect(result('uitkomsten_20260101.csv')).toBe('geladen');
    expect(result('uitkomsten_20260102.csv')).toBe('dubbel');
    // Nothing of the first was loaded, so the second is read (and rejected) in its own right.
    expect(result('uitkomsten_20260103.csv')).toBe('afgewezen');
    expect(result('uitkomsten_20260104.csv')).toBe('afgewezen');
    expect((await r.quarantine()).length).toBe(2);
  });
});
