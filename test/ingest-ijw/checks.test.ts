import { beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './helpers.js';
import { jw301, jw305, jw307, jw315, jw323, set } from './messages.js';

const P = '/Bericht/Client/ToegewezenProducten/ToegewezenProduct';

/**
 * One inbox with one faulty message per file; each case names the file, the expected element path, value,
 * rule and reason, and what still loaded.
 */
const cases: {
  file: string;
  xml: string;
  path: string;
  value: string | null;
  rule: string;
  reason: RegExp;
  loaded: number;
  quarantined: number;
}[] = [
  {
    file: 'einddatum.xml',
    xml: jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-02-30' }] }),
    path: `${P}[2]/Einddatum`,
    value: '2025-02-30',
    rule: 'datum_ongeldig',
    reason: /bestaat niet/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'tijd.xml',
    xml: jw301({ products: [{ nummer: '1', tijd: '25:00:00' }, { nummer: '2' }] }),
    path: `${P}[1]/Toewijzingstijd`,
    value: '25:00:00',
    rule: 'tijd_ongeldig',
    reason: /bestaat niet/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'categorie.xml',
    xml: jw301({ products: [{ nummer: '1', categorie: '99' }, { nummer: '2' }] }),
    path: `${P}[1]/Product/Categorie`,
    value: '99',
    rule: 'code_onbekend',
    reason: /codelijst JZ020/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'reden.xml',
    xml: jw301({ products: [{ nummer: '1', reden: '77' }] }),
    path: `${P}[1]/RedenWijziging`,
    value: '77',
    rule: 'code_onbekend',
    reason: /codelijst JZ002/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'budget.xml',
    xml: jw301({ products: [{ nummer: '1', budget: '1234.50' }, { nummer: '2' }] }),
    path: `${P}[1]/Budget`,
    value: '1234.50',
    rule: 'geen_geheel_getal',
    reason: /eurocenten/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'periode.xml',
    xml: jw301({ products: [{ nummer: '1', ingang: '2025-06-01', eind: '2025-05-01' }, { nummer: '2' }] }),
    path: `${P}[1]/Einddatum`,
    value: '2025-05-01',
    rule: 'periode_omgekeerd',
    reason: /Einddatum ligt voor Ingangsdatum/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'tijd-ontbreekt.xml',
    xml: set(jw301({ products: [{ nummer: '1' }, { nummer: '2' }] }), 'Toewijzingstijd', null, 2),
    path: `${P}[2]/Toewijzingstijd`,
    value: null,
    rule: 'verplicht',
    reason: /verplicht element Toewijzingstijd ontbreekt/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'bsn.xml',
    xml: jw301({ bsn: '123456789', products: [{ nummer: '1' }, { nummer: '2' }] }),
    path: '/Bericht/Client/Bsn',
    value: '[bsn]',
    rule: 'bsn_elfproef',
    reason: /elfproef/,
    loaded: 0,
    quarantined: 2,
  },
  {
    file: 'bsn-kort.xml',
    xml: jw301({ bsn: '12345678' }),
    path: '/Bericht/Client/Bsn',
    value: '[bsn]',
    rule: 'bsn_ongeldig',
    reason: /9 cijfers/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'gemeente.xml',
    xml: jw301({ gemeente: '0150' }),
    path: '/Bericht/Header/Afzender',
    value: '0150',
    rule: 'gemeente_andere_inbox',
    reason: /gemeente 0150 in de header \(Afzender\) is niet de gemeente van deze map \(0193 Zwolle\)/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'gemeente-305.xml',
    xml: jw305({ gemeente: '0150' }),
    path: '/Bericht/Header/Ontvanger',
    value: '0150',
    rule: 'gemeente_andere_inbox',
    reason: /\(Ontvanger\)/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'dagtekening.xml',
    xml: jw301({ dagtekening: '2025-13-01' }),
    path: '/Bericht/Header/BerichtIdentificatie/Dagtekening',
    value: '2025-13-01',
    rule: 'datum_ongeldig',
    reason: /bestaat niet/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'berichtcode.xml',
    xml: set(jw301(), 'BerichtCode', '438'),
    path: '/Bericht/Header/BerichtCode',
    value: '438',
    rule: 'berichtversie',
    reason: /verwacht 436/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'subversie.xml',
    xml: set(jw305(), 'BerichtSubversie', '1'),
    path: '/Bericht/Header/BerichtSubversie',
    value: '1',
    rule: 'berichtversie',
    reason: /verwacht 2/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'geslacht.xml',
    xml: jw301({ geslacht: '7' }),
    path: '/Bericht/Client/Geslacht',
    value: '7',
    rule: 'code_onbekend',
    reason: /COD046/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'start-zonder-nummer.xml',
    xml: jw305({ products: [{}, { nummer: '5' }] }),
    path: '/Bericht/Client/StartProducten/StartProduct[1]/ToewijzingNummer',
    value: null,
    rule: 'verplicht',
    reason: /zonder ToewijzingNummer niet aan een toewijzing koppelen/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'status.xml',
    xml: jw307({ products: [{ nummer: '1', status: '5' }] }),
    path: '/Bericht/Client/StopProducten/StopProduct[1]/StatusAanlevering',
    value: '5',
    rule: 'code_onbekend',
    reason: /COD467/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'beeindiging.xml',
    xml: jw307({ products: [{ nummer: '1', reden: '99' }, { nummer: '2' }] }),
    path: '/Bericht/Client/StopProducten/StopProduct[1]/RedenBeeindiging',
    value: '99',
    rule: 'code_onbekend',
    reason: /JZ588/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'verwijzer.xml',
    xml: jw315({ verwijzer: '42' }),
    path: '/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]/Verwijzer/Type',
    value: '42',
    rule: 'code_onbekend',
    reason: /COD327/,
    loaded: 0,
    quarantined: 1,
  },
  {
    file: 'declaratie-bedrag.xml',
    xml: jw323({
      clients: [{ bsn: '111222333', prestaties: [{ nummer: '1' }, { nummer: '2', bedrag: '12,50' }] }],
    }),
    path: '/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[2]/IngediendBedrag/Bedrag',
    value: '12,50',
    rule: 'geen_geheel_getal',
    reason: /eurocenten/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'declaratie-bsn.xml',
    xml: jw323({
      clients: [
        { bsn: '111222333', prestaties: [{ nummer: '1' }] },
        { bsn: '111222334', prestaties: [{ nummer: '2' }, { nummer: '3' }] },
      ],
    }),
    path: '/Bericht/Declaratie/Clienten/Client[2]/Bsn',
    value: '[bsn]',
    rule: 'bsn_elfproef',
    reason: /elfproef/,
    loaded: 1,
    quarantined: 2,
  },
  {
    file: 'declaratie-dc.xml',
    xml: jw323({ clients: [{ bsn: '111222333', prestaties: [{ nummer: '1', dc: 'X' }] }] }),
    path: '/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]/IngediendBedrag/DebetCredit',
    value: 'X',
    rule: 'code_onbekend',
    reason: /D, C/,
    loaded: 0,
    quarantined: 1,
  },
  {
    // Only the XSD knows this one: the product code is too long for LDT_ProductCode, and a second Einddatum.
    file: 'xsd-structuur.xml',
    xml: jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-05-01' }] }).replace(
      '<Einddatum>2025-05-01</Einddatum>',
      '<Einddatum>2025-05-01</Einddatum><Einddatum>2025-06-01</Einddatum>',
    ),
    path: `${P}[2]/Einddatum`,
    value: null,
    rule: 'xsd_structuur',
    reason: /staat hier niet volgens het XSD/,
    loaded: 1,
    quarantined: 1,
  },
  {
    file: 'xsd-header.xml',
    xml: jw301().replace(
      '<ijw:BerichtXsdVersie>0.1.0</ijw:BerichtXsdVersie>',
      '<ijw:BerichtXsdVersie>nul</ijw:BerichtXsdVersie>',
    ),
    path: '/Bericht/Header/XsdVersie/BerichtXsdVersie',
    value: 'nul',
    rule: 'xsd_patroon',
    reason: /niet de vorm/,
    loaded: 0,
    quarantined: 1,
  },
];

describe('ijw loader: checks with element path, value and Dutch reason', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    for (const c of cases) h.write(c.file, c.xml);
    await h.ingest();
  });

  it.each(cases)('$file → $rule at $path', async (c) => {
    const q = await h.rows<{ element_path: string; value: string | null; rule: string; reason: string }>(
      'select element_path, value, rule, reason from meta.quarantine where file_name = $1',
      [c.file],
    );
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ element_path: c.path, value: c.value, rule: c.rule });
    expect(q[0]?.reason).toMatch(c.reason);
    const [d] = await h.rows<Record<string, number | string>>(
      'select records_read, records_loaded, records_quarantined, records_skipped, result from meta.deliveries where file_name = $1',
      [c.file],
    );
    expect(d).toMatchObject({ records_loaded: c.loaded, records_quarantined: c.quarantined });
    expect(d?.records_read).toBe(c.loaded + c.quarantined);
    expect(d?.result).toBe(c.loaded === 0 ? 'afgewezen' : 'deels_afgewezen');
  });

  it('a quarantined product carries its index and toewijzingnummer', async () => {
    const q = await h.rows('select line, record_key from meta.quarantine where file_name = $1', [
      'einddatum.xml',
    ]);
    expect(q).toEqual([{ line: 2, record_key: '2' }]);
  });

  it('nothing of a rejected message or product reaches the raw tables', async () => {
    const counts = await h.rows<{ t: string; n: number }>(
      `select 'jw301' as t, count(*)::int as n from raw.jw301 union all select 'jw305', count(*)::int from raw.jw305
       union all select 'jw307', count(*)::int from raw.jw307 union all select 'jw315', count(*)::int from raw.jw315
       union all select 'jw323', count(*)::int from raw.jw323 order by t`,
    );
    const loaded = (prefix: string) =>
      cases.filter((c) => c.xml.includes(`ijw/3_2/${prefix}/schema`)).reduce((n, c) => n + c.loaded, 0);
    expect(counts).toEqual(['jw301', 'jw305', 'jw307', 'jw315', 'jw323'].map((t) => ({ t, n: loaded(t) })));
  });
});
