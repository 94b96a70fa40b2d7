import { describe, expect, it } from 'vitest';
import { pseudonymise } from '../../pipelines/lib/pseudonym.js';
import { harness, key } from './helpers.js';
import { jw301, jw305, jw307, jw315, jw323, personalData } from './messages.js';

describe('ijw loader: versions, idempotency, personal data', () => {
  it('keeps every JW301 version arriving out of order, with what the models need to pick the current one', async () => {
    const h = await harness();
    // Delivered in this order of file dates: the correction first, then the original, then the deletion.
    h.write(
      'ijw_20250310.xml',
      jw301({
        id: 'B2',
        dagtekening: '2025-03-10',
        products: [
          { nummer: '1001', datum: '2025-03-10', tijd: '09:00:00', eind: '2025-06-30', reden: '03' },
        ],
      }),
    );
    h.write(
      'ijw_20250311.xml',
      jw301({
        id: 'B1',
        dagtekening: '2025-03-01',
        products: [{ nummer: '1001', datum: '2025-03-01', tijd: '10:15:00', eind: '2025-12-31' }],
      }),
    );
    h.write(
      'ijw_20250312.xml',
      jw301({
        id: 'B3',
        dagtekening: '2025-03-10',
        products: [{ nummer: '1001', datum: '2025-03-10', tijd: '09:00:01', reden: '13' }],
      }),
    );
    h.write(
      'ijw_20250313.xml',
      jw307({ id: 'S1', dagtekening: '2025-03-13', products: [{ nummer: '1001', status: '1' }] }),
    );
    h.write(
      'ijw_20250314.xml',
      jw307({ id: 'S2', dagtekening: '2025-03-14', products: [{ nummer: '1001', status: '3' }] }),
    );
    h.write(
      'ijw_20250315.xml',
      jw305({
        id: 'T1',
        dagtekening: '2025-03-15',
        products: [{ nummer: '1001', status: '2', begin: '2025-03-11' }],
      }),
    );
    await h.ingest();

    const versions = await h.rows(
      `select r.bericht_identificatie, r.dagtekening, r.toewijzingsdatum, r.toewijzingstijd::varchar as tijd, r.einddatum,
              r.reden_wijziging, r.seq, d.file_name, d.member_name
         from raw.jw301 r join meta.deliveries d using (delivery_id)
        where r.toewijzingnummer = '1001'
        order by r.toewijzingsdatum, r.toewijzingstijd`,
    );
    expect(versions).toEqual([
      {
        bericht_identificatie: 'B1',
        dagtekening: '2025-03-01',
        toewijzingsdatum: '2025-03-01',
        tijd: '10:15:00',
        einddatum: '2025-12-31',
        reden_wijziging: null,
        seq: 1,
        file_name: 'ijw_20250311.xml',
        member_name: null,
      },
      {
        bericht_identificatie: 'B2',
        dagtekening: '2025-03-10',
        toewijzingsdatum: '2025-03-10',
        tijd: '09:00:00',
        einddatum: '2025-06-30',
        reden_wijziging: '03',
        seq: 1,
        file_name: 'ijw_20250310.xml',
        member_name: null,
      },
      {
        bericht_identificatie: 'B3',
        dagtekening: '2025-03-10',
        toewijzingsdatum: '2025-03-10',
        tijd: '09:00:01',
        einddatum: null,
        reden_wijziging: '13',
        seq: 1,
        file_name: 'ijw_20250312.xml',
        member_name: null,
      },
    ]);
    // The current version by (Toewijzingsdatum, Toewijzingstijd) is the deletion, whatever the arrival order.
    const current = await h.rows(
      `select reden_wijziging from raw.jw301 qualify row_number() over (partition by gemeente, toewijzingnummer order by toewijzingsdatum desc, toewijzingstijd desc) = 1`,
    );
    expect(current).toEqual([{ reden_wijziging: '13' }]);

    const stops = await h.rows(
      `select r.status_aanlevering, r.dagtekening, r.begindatum, d.file_name from raw.jw307 r join meta.deliveries d using (delivery_id) order by r.dagtekening`,
    );
    expect(stops).toEqual([
      {
        status_aanlevering: '1',
        dagtekening: '2025-03-13',
        begindatum: '2025-03-10',
        file_name: 'ijw_20250313.xml',
      },
      {
        status_aanlevering: '3',
        dagtekening: '2025-03-14',
        begindatum: '2025-03-10',
        file_name: 'ijw_20250314.xml',
      },
    ]);
    expect(await h.rows('select status_aanlevering, begindatum from raw.jw305')).toEqual([
      { status_aanlevering: '2', begindatum: '2025-03-11' },
    ]);
  });

  it('loading the same inbox twice changes nothing', async () => {
    const h = await harness();
    h.write('ijw_a.xml', jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-02-31' }] }));
    h.write('ijw_b.xml', jw323());
    h.write('ijw_c.xml', '<kapot');
    h.write('sub/ijw_d.xml', jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-02-31' }] }));
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all(
          ['raw.jw301', 'raw.jw323', 'meta.quarantine', 'meta.deliveries'].map((t) =>
            h.rows(
              `select * exclude (${t === 'meta.deliveries' ? 'loaded_at, run_id' : 'delivery_id'}) from ${t} order by all`,
            ),
          ),
        ),
        (_k, v) => (typeof v === 'bigint' ? String(v) : v),
      );
    await h.ingest();
    const first = await snapshot();
    const again = await h.ingest();
    expect(again.files).toBe(0);
    expect(await snapshot()).toBe(first);
    // The copy in sub/ was recognised as the same bytes: recorded dubbel, not loaded twice.
    expect(await h.rows(`select result from meta.deliveries where file_name = 'sub/ijw_d.xml'`)).toEqual([
      { result: 'dubbel' },
    ]);
  });

  it('no BSN, name, street, phone, e-mail or Commentaar appears in any text column of the warehouse', async () => {
    const h = await harness();
    h.write('a.xml', jw301());
    h.write('b.xml', jw301({ bsn: '123456789' }));
    h.write('c.xml', jw305({ bsn: '999999990' }));
    h.write('d.xml', jw307());
    h.write('e.xml', jw315());
    h.write('f.xml', jw323());
    h.write(
      'g.xml',
      jw301({ bsn: '123456782', products: [{ nummer: '5', eind: '2025-02-30' }] }).replace(
        '<ijw:Postcode>8011AB',
        '<ijw:Postcode>80',
      ),
    );
    await h.ingest();
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 1 }]);
    const columns = await h.rows<{ s: string; t: string; c: string }>(
      `select table_schema as s, table_name as t, column_name as c from information_schema.columns
        where data_type = 'VARCHAR' and table_catalog = current_database()`,
    );
    const needles = [...personalData.bsns, '123456789', ...personalData.words];
    const found: string[] = [];
    for (const { s, t, c } of columns) {
      const hits = await h.rows<{ v: string }>(
        `select "${c}" as v from "${s}"."${t}" where ${needles.map((_, i) => `contains("${c}", $${i + 1})`).join(' or ')}`,
        needles,
      );
      for (const { v } of hits)
        found.push(`${s}.${t}.${c}: ${needles.filter((n) => v.includes(n)).join(', ')}`);
    }
    expect(found).toEqual([]);
    expect(columns.length).toBeGreaterThan(20);
    // The pseudonym is there instead.
    expect(await h.rows('select client_id from raw.jw301')).toEqual([
      { client_id: pseudonymise(key, '111222333') },
    ]);
  });
});
