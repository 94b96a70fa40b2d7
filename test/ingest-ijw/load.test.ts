import { describe, expect, it } from 'vitest';
import { pseudonymise } from '../../pipelines/lib/pseudonym.js';
import { harness, key } from './helpers.js';
import { jw301, jw302, jw305, jw307, jw315, jw323, NS } from './messages.js';

const delivery = async (h: Awaited<ReturnType<typeof harness>>, name: string) =>
  (await h.rows('select * from meta.deliveries where file_name = $1 and member_name is null', [name]))[0];

describe('ijw loader: good messages', () => {
  it('loads a JW301 of the real shape into raw.jw301, pseudonymised, birth year/month and postcode digits only', async () => {
    const h = await harness();
    h.write(
      'ijw_jw301_20250301.xml',
      jw301({
        products: [
          { nummer: '1001', eind: '2025-12-31', budget: '120000' },
          { nummer: '1002', omvang: false, code: '' },
        ],
      }),
    );
    const summary = await h.ingest();
    expect(summary.rowsLoaded).toBe(2);
    const rows = await h.rows(
      'select * exclude (delivery_id) replace (toewijzingstijd::varchar as toewijzingstijd) from raw.jw301 order by seq',
    );
    expect(rows[0]).toEqual({
      seq: 1,
      gemeente: 'GM0193',
      aanbieder_agb: '12345678',
      bericht_identificatie: 'B0001',
      dagtekening: '2025-03-01',
      client_id: pseudonymise(key, '111222333'),
      geboortejaar: 2012,
      geboortemaand: 4,
      geslacht: '1',
      postcode4: '8011',
      toewijzingnummer: '1001',
      referentie_aanbieder: 'REF-1001',
      productcategorie: '45',
      productcode: '45A07',
      toewijzingsdatum: '2025-03-01',
      toewijzingstijd: '10:15:00',
      ingangsdatum: '2025-03-01',
      einddatum: '2025-12-31',
      reden_wijziging: null,
      volume: 4,
      eenheid: '04',
      frequentie: '2',
      budget_cent: 120000,
    });
    expect(rows[1]).toMatchObject({
      seq: 2,
      productcode: null,
      volume: null,
      einddatum: null,
      budget_cent: null,
    });
    const d = await delivery(h, 'ijw_jw301_20250301.xml');
    expect(d).toMatchObject({ result: 'geladen', message_code: 'JW301', records_read: 2, records_loaded: 2 });
  });

  it('keeps only the birth year when DatumGebruik says the month is unknown, nothing when all is unknown', async () => {
    const h = await harness();
    h.write('a.xml', jw301({ datumGebruik: '2', geboortedatum: '2012-01-01' }));
    h.write('b.xml', jw301({ datumGebruik: '3', geboortedatum: '1900-01-01', bsn: '123456782' }));
    await h.ingest();
    const rows = await h.rows(
      'select geboortejaar, geboortemaand from raw.jw301 order by geboortejaar nulls last',
    );
    expect(rows).toEqual([
      { geboortejaar: 2012, geboortemaand: null },
      { geboortejaar: null, geboortemaand: null },
    ]);
  });

  it('loads JW305, JW307, JW315 and JW323 with their gemeente from Ontvanger and the AGB from Afzender', async () => {
    const h = await harness();
    h.write('start.xml', jw305());
    h.write('stop.xml', jw307({ products: [{ nummer: '1001', reden: '20', status: '1' }] }));
    h.write('verzoek.xml', jw315());
    h.write('declaratie.xml', jw323());
    await h.ingest();
    expect(
      await h.rows(
        'select gemeente, aanbieder_agb, toewijzingnummer, begindatum, status_aanlevering from raw.jw305',
      ),
    ).toEqual([
      {
        gemeente: 'GM0193',
        aanbieder_agb: '12345678',
        toewijzingnummer: '1001',
        begindatum: '2025-03-10',
        status_aanlevering: '1',
      },
    ]);
    expect(await h.rows('select einddatum, reden_beeindiging from raw.jw307')).toEqual([
      { einddatum: '2025-09-30', reden_beeindiging: '20' },
    ]);
    expect(
      await h.rows(
        'select dagtekening, referentie_aanbieder, toewijzing_ingangsdatum, toewijzing_einddatum, verwijzer_type, client_id from raw.jw315',
      ),
    ).toEqual([
      {
        dagtekening: '2025-02-10',
        referentie_aanbieder: 'AANVR-1',
        toewijzing_ingangsdatum: '2025-03-01',
        toewijzing_einddatum: null,
        verwijzer_type: '02',
        client_id: pseudonymise(key, '123456782'),
      },
    ]);
    const decl = await h.rows(
      'select seq, declaratienummer, client_id, toewijzingnummer, periode_begin, periode_eind, geleverd_volume, eenheid, product_tarief_cent, ingediend_bedrag_cent, debet_credit from raw.jw323 order by seq',
    );
    expect(
      decl.map((r) => [
        r.seq,
        r.toewijzingnummer,
        r.debet_credit,
        r.client_id === pseudonymise(key, '123456782'),
      ]),
    ).toEqual([
      [1, '1001', 'D', false],
      [2, '1002', 'C', false],
      [3, '2001', 'D', true],
    ]);
    expect(decl[0]).toMatchObject({
      declaratienummer: 'D2025001',
      periode_begin: '2025-04-01',
      periode_eind: '2025-04-30',
      geleverd_volume: 10,
      eenheid: '04',
      product_tarief_cent: 7500,
      ingediend_bedrag_cent: 75000,
    });
    expect(await h.rows('select count(*)::int as n from meta.quarantine')).toEqual([{ n: 0 }]);
  });

  it('counts and skips retour and other iJw 3.2 messages', async () => {
    const h = await harness();
    h.write('retour.xml', jw302());
    h.write('jw317.xml', jw302().replaceAll('jw302', 'jw317'));
    await h.ingest();
    const rows = await h.rows(
      'select file_name, result, message_code, records_read, records_skipped from meta.deliveries order by file_name',
    );
    expect(rows).toEqual([
      {
        file_name: 'jw317.xml',
        result: 'overgeslagen',
        message_code: 'JW317',
        records_read: 1,
        records_skipped: 1,
      },
      {
        file_name: 'retour.xml',
        result: 'overgeslagen',
        message_code: 'JW302',
        records_read: 1,
        records_skipped: 1,
      },
    ]);
  });
});

describe('ijw loader: whole files refused', () => {
  const cases: [string, string, RegExp][] = [
    [
      'iwmo.xml',
      jw301().replaceAll(NS('jw301'), 'http://www.istandaarden.nl/iwmo/3_2/wmo301/schema'),
      /iwmo 3\.2.*namespace http:\/\/www\.istandaarden\.nl\/iwmo\/3_2\/wmo301\/schema/,
    ],
    [
      'ijw31.xml',
      jw301().replaceAll('ijw/3_2/jw301', 'ijw/3_1/jw301'),
      /iJw 3\.1, niet van iJw 3\.2: namespace http:\/\/www\.istandaarden\.nl\/ijw\/3_1\/jw301\/schema/,
    ],
    ['ijw2.xml', jw301().replaceAll('ijw/3_2/jw301', 'ijw/2_4/jw301'), /iJw 2\.4/],
    [
      'geen-ns.xml',
      '<?xml version="1.0"?><Bericht><Header/></Bericht>',
      /geen iJw 3\.2-bericht: element Bericht zonder namespace/,
    ],
    ['onbekend.xml', jw301().replaceAll('jw301', 'jw399'), /onbekend iJw 3\.2-bericht JW399/],
    ['kapot.xml', jw301().replace('</Header>', '</Hoofd>'), /niet goed gevormd/],
    ['afgebroken.xml', jw301().slice(0, 1500), /niet goed gevormd of afgebroken/],
    ['leeg.xml', '', /het bestand is leeg/],
    [
      'dtd.xml',
      `<?xml version="1.0"?><!DOCTYPE Bericht [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><Bericht xmlns="${NS('jw301')}">&b;</Bericht>`,
      /DOCTYPE/,
    ],
    [
      'xxe.xml',
      `<?xml version="1.0"?><!DOCTYPE Bericht SYSTEM "file:///etc/passwd"><Bericht xmlns="${NS('jw301')}"/>`,
      /DOCTYPE/,
    ],
    [
      'entiteit.xml',
      `<?xml version="1.0"?><Bericht xmlns="${NS('jw301')}">&onbekend;</Bericht>`,
      /niet goed gevormd/,
    ],
  ];
  it.each(cases)('%s is rejected whole with its reason and leaves no rows', async (name, xml, reason) => {
    const h = await harness();
    h.write(name, xml);
    const summary = await h.ingest();
    expect(summary.rejectedFiles).toBe(1);
    const d = await delivery(h, name);
    expect(d?.result).toBe('afgewezen');
    expect(String(d?.reason)).toMatch(reason);
    expect(await h.rows('select count(*)::int as n from raw.jw301')).toEqual([{ n: 0 }]);
  });
});
