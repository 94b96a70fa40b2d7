import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildWith, type Given } from './helpers.js';

/** One trajectory: toewijzing, start and (optionally) stop, for client `client` in `gemeente`. */
function traject(
  nr: string,
  client: string,
  begindatum: string,
  einde?: { einddatum: string; reden: string },
  extra: Record<string, unknown> = {},
): Given {
  // Gemeente, provider and product belong on every message; the rest only on the toewijzing.
  const shared = ['gemeente', 'aanbieder_agb', 'productcategorie', 'productcode'];
  const common = Object.fromEntries(Object.entries(extra).filter(([k]) => shared.includes(k)));
  const base = { toewijzingnummer: nr, client_id: client, ...common };
  return {
    jw301: [{ ...base, ...extra }],
    jw305: [{ ...base, begindatum, dagtekening: begindatum }],
    jw307: einde
      ? [
          {
            ...base,
            begindatum,
            einddatum: einde.einddatum,
            reden_beeindiging: einde.reden,
            dagtekening: einde.einddatum,
          },
        ]
      : [],
  };
}

function merge(...parts: Given[]): Given {
  const out: Given = {};
  for (const part of parts) {
    for (const [k, rows] of Object.entries(part) as [keyof Given, Record<string, unknown>[]][]) {
      out[k] = [...(out[k] ?? []), ...rows];
    }
  }
  return out;
}

const ZWOLLE = { gemeente: 'GM0193' };
const KAMPEN = { gemeente: 'GM0166' };

type Value = {
  teller: number | null;
  noemer: number | null;
  waarde: number;
  ci_laag: number | null;
  ci_hoog: number | null;
};

async function value(
  db: Warehouse,
  gemeente: string,
  periode: string,
  indicator: string,
  dimensie = 'totaal',
  dimensieWaarde = 'totaal',
) {
  return db.one<Value>(
    `select teller, noemer, waarde, ci_laag, ci_hoog from marts.indicator_values
     where gemeente = $1 and periode = $2 and indicator = $3 and dimensie = $4 and dimensie_waarde = $5`,
    [gemeente, periode, indicator, dimensie, dimensieWaarde],
  );
}

describe('the Wilson interval', () => {
  it('matches known values: 8/10 → [0.4902, 0.9433]', async () => {
    const { db } = await buildWith({});
    try {
      const r = await db.one<{ l: number; h: number; l0: number; h0: number; none: number | null }>(
        'select wilson_laag(8, 10) as l, wilson_hoog(8, 10) as h, wilson_laag(0, 5) as l0, wilson_hoog(0, 5) as h0, wilson_laag(0, 0) as none',
      );
      expect(r!.l).toBeCloseTo(0.4902, 4);
      expect(r!.h).toBeCloseTo(0.9433, 4);
      expect(r!.l0).toBe(0);
      expect(r!.h0).toBeCloseTo(0.4345, 4);
      expect(r!.none).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('outcome indicators on a small region', () => {
  let db: Warehouse;
  beforeAll(async () => {
    const given = merge(
      // Zwolle, ended in 2024: 31, 32, 33, 34, 02 (death), 36 (gemeente), and no reason (toewijzing closed).
      traject('Z1', 'a', '2024-01-01', { einddatum: '2024-02-01', reden: '31' }, ZWOLLE),
      traject('Z2', 'b', '2024-01-01', { einddatum: '2024-03-01', reden: '32' }, ZWOLLE),
      traject('Z3', 'c', '2024-01-01', { einddatum: '2024-04-01', reden: '33' }, ZWOLLE),
      traject('Z4', 'd', '2024-01-01', { einddatum: '2024-05-01', reden: '34' }, ZWOLLE),
      traject('Z5', 'e', '2024-01-01', { einddatum: '2024-05-01', reden: '02' }, ZWOLLE),
      traject('Z6', 'f', '2024-01-01', { einddatum: '2024-05-01', reden: '36' }, ZWOLLE),
      // Client a starts again 183 days after Z1 ended (2024-02-01 + 183 = 2024-08-02), in Kampen.
      traject('K1', 'a', '2024-08-02', { einddatum: '2024-09-01', reden: '31' }, KAMPEN),
      // Client b starts again 184 days after Z2 ended: outside the window.
      traject('K2', 'b', '2024-09-01', undefined, KAMPEN),
      // Client c also had care in Kampen, overlapping: started before Z3 ended, so not a new start.
      traject('K3', 'c', '2023-12-01', { einddatum: '2024-06-01', reden: '39' }, KAMPEN),
      // Ended too late for the 183-day window before the peildatum.
      traject('Z7', 'g', '2024-06-01', { einddatum: '2024-12-01', reden: '31' }, ZWOLLE),
      {
        uitkomsten: [
          {
            ...ZWOLLE,
            toewijzingnummer: 'Z1',
            client_id: 'a',
            einddatum: '2024-02-01',
            informant: 'J',
            doelrealisatie: '1',
            tevredenheid: 8,
            zonder_hulp_verder: '04',
          },
          {
            ...ZWOLLE,
            toewijzingnummer: 'Z1',
            client_id: 'a',
            einddatum: '2024-02-01',
            informant: 'O',
            doelrealisatie: '2',
            tevredenheid: 6,
            zonder_hulp_verder: '01',
          },
          {
            ...ZWOLLE,
            toewijzingnummer: 'Z2',
            client_id: 'b',
            einddatum: '2024-03-01',
            informant: 'J',
            doelrealisatie: '3',
            tevredenheid: 7,
          },
          {
            ...ZWOLLE,
            toewijzingnummer: 'Z3',
            client_id: 'c',
            einddatum: '2024-04-01',
            informant: 'J',
            tevredenheid: 5,
          },
          // K2 is still open: the row waits.
          {
            ...KAMPEN,
            toewijzingnummer: 'K2',
            client_id: 'b',
            einddatum: '2024-12-01',
            informant: 'J',
            doelrealisatie: '1',
          },
        ],
      },
    );
    ({ db } = await buildWith(given, { peildatum: '2025-02-15' }));
  });
  afterAll(() => db.close());

  it('uitval: 32+33 over the ended trajectories with reden 31-35, 38, 39; 02 and 36 left out of both', async () => {
    expect(await value(db, 'GM0193', '2024', 'uitval')).toMatchObject({ teller: 2, noemer: 5 });
    expect(await value(db, 'GM0193', '2024', 'voortijdig')).toMatchObject({ teller: 3, noemer: 5 });
    expect(await value(db, 'GM0193', '2024', 'volgens_plan')).toMatchObject({ teller: 2, noemer: 5 });
    const uitval = (await value(db, 'GM0193', '2024', 'uitval'))!;
    expect(uitval.waarde).toBeCloseTo(0.4, 10);
    expect(uitval.ci_laag).toBeLessThan(0.4);
    expect(uitval.ci_hoog).toBeGreaterThan(0.4);
    const dq = await db.one(
      "select aantal from core.datakwaliteit where gemeente = 'GM0193' and soort = 'traject_einde_reden_onbekend'",
    );
    expect(dq).toEqual({ aantal: 2 });
  });

  it('geen nieuwe start: a start on day 183 is a new start, day 184 is not, nor a start before the end', async () => {
    // Z1 (a: new start on day 183), Z2 (b: day 184), Z3 (c: overlapping K3), Z4, Z6 counted; Z5 (02) and Z7 (too late) not.
    expect(await value(db, 'GM0193', '2024', 'geen_nieuwe_start')).toMatchObject({ teller: 4, noemer: 5 });
    expect(await value(db, 'GM0193', '2024-H2', 'geen_nieuwe_start')).toBeUndefined();
  });

  it('doelrealisatie counts every row; the response rate counts trajectories', async () => {
    expect(await value(db, 'GM0193', '2024', 'doelrealisatie_volledig')).toMatchObject({
      teller: 1,
      noemer: 3,
    });
    expect(await value(db, 'GM0193', '2024', 'doelrealisatie_volledig_of_gedeeltelijk')).toMatchObject({
      teller: 2,
      noemer: 3,
    });
    expect(await value(db, 'GM0193', '2024', 'doelrealisatie_volledig', 'informant', 'O')).toMatchObject({
      teller: 0,
      noemer: 1,
    });
    // Z1 and Z2 have a doelrealisatie; Z3's row has none; 7 trajectories ended in Zwolle in 2024.
    expect(await value(db, 'GM0193', '2024', 'doelrealisatie_respons')).toMatchObject({
      teller: 2,
      noemer: 7,
    });
    const wacht = await db.one(
      "select aantal from core.datakwaliteit where gemeente = 'GM0166' and soort = 'uitkomst_wacht'",
    );
    expect(wacht).toEqual({ aantal: 1 });
  });

  it('tevredenheid and zonder hulp verder per informant', async () => {
    const mean = (await value(db, 'GM0193', '2024', 'tevredenheid_gemiddeld', 'informant', 'J'))!;
    expect(mean).toMatchObject({ teller: null, noemer: 3, ci_laag: null });
    expect(mean.waarde).toBeCloseTo(20 / 3, 10);
    expect(await value(db, 'GM0193', '2024', 'tevredenheid_7_of_hoger', 'informant', 'J')).toMatchObject({
      teller: 2,
      noemer: 3,
    });
    expect(await value(db, 'GM0193', '2024', 'zonder_hulp_verder', 'informant', 'J')).toMatchObject({
      teller: 1,
      noemer: 1,
    });
    expect(await value(db, 'GM0193', '2024', 'zonder_hulp_verder', 'informant', 'O')).toMatchObject({
      teller: 0,
      noemer: 1,
    });
    expect(await value(db, 'GM0193', '2024', 'tevredenheid_gemiddeld')).toBeUndefined();
  });

  it('herhaald beroep: a start after an end in the 5 years before, in any gemeente', async () => {
    // K1 (a ended Z1 before) and K2 (b ended Z2) are repeat appeals; K3 started before anything ended.
    expect(await value(db, 'GM0166', '2024', 'herhaald_beroep')).toMatchObject({ teller: 2, noemer: 2 });
    expect(await value(db, 'GM0166', '2023', 'herhaald_beroep')).toMatchObject({ teller: 0, noemer: 1 });
  });

  it('gives every count a row for every gemeente, the region and every period, also when 0', async () => {
    const perioden = await db.all<{ periode: string }>('select periode from core.perioden order by 1');
    expect(perioden.map((p) => p.periode)).toEqual([
      '2023',
      '2023-H1',
      '2023-H2',
      '2024',
      '2024-H1',
      '2024-H2',
      '2025',
      '2025-H1',
    ]);
    for (const indicator of [
      'jeugdigen_met_jeugdhulp',
      'trajecten_actief',
      'trajecten_gestart',
      'trajecten_beeindigd',
    ]) {
      const n = await db.one(
        "select count(*) as n from marts.indicator_values where indicator = $1 and dimensie = 'totaal'",
        [indicator],
      );
      expect(n).toEqual({ n: 12 * 8 });
    }
    expect(await value(db, 'GM0148', '2024', 'trajecten_actief')).toMatchObject({
      waarde: 0,
      teller: null,
      noemer: null,
    });
    // A share with denominator 0 has no row.
    expect(await value(db, 'GM0148', '2024', 'uitval')).toBeUndefined();
  });

  it('counts the region as the sum of trajectories, distinct clients and pooled shares', async () => {
    const rows = await db.all<{
      indicator: string;
      gemeente: string;
      teller: number | null;
      noemer: number | null;
      waarde: number;
    }>(
      `select indicator, gemeente, teller, noemer, waarde from marts.indicator_values
       where periode = '2024' and dimensie = 'totaal'
         and indicator in ('trajecten_actief', 'jeugdigen_met_jeugdhulp', 'uitval', 'geen_nieuwe_start')`,
    );
    const of = (indicator: string, gemeente: string) =>
      rows.find((r) => r.indicator === indicator && r.gemeente === gemeente)!;
    const sum = (indicator: string, field: 'waarde' | 'teller' | 'noemer') =>
      rows
        .filter((r) => r.indicator === indicator && r.gemeente !== 'IJsselland')
        .reduce((s, r) => s + Number(r[field]), 0);
    expect(of('trajecten_actief', 'IJsselland').waarde).toBe(sum('trajecten_actief', 'waarde'));
    expect(of('trajecten_actief', 'IJsselland').waarde).toBe(10);
    // a, b and c had care in both gemeenten: 7 + 3 clients, but 7 distinct in the region.
    expect(
      of('jeugdigen_met_jeugdhulp', 'GM0193').waarde + of('jeugdigen_met_jeugdhulp', 'GM0166').waarde,
    ).toBe(10);
    expect(of('jeugdigen_met_jeugdhulp', 'IJsselland').waarde).toBe(7);
    for (const share of ['uitval', 'geen_nieuwe_start']) {
      const region = of(share, 'IJsselland');
      expect(region.teller).toBe(sum(share, 'teller'));
      expect(region.noemer).toBe(sum(share, 'noemer'));
      expect(region.waarde).toBeCloseTo(region.teller! / region.noemer!, 12);
    }
  });
});

describe('tijdigheid, ambulant and 18-/18+', () => {
  let db: Warehouse;
  beforeAll(async () => {
    const given = merge(
      // Requested by JW315 on 2024-01-01 (ReferentieAanbieder R1), started 2024-01-31: 30 days.
      traject('T1', 'a', '2024-01-31', undefined, {
        referentie_aanbieder: 'R1',
        toewijzingsdatum: '2024-01-20',
      }),
      // No JW315: from the first version's Toewijzingsdatum 2024-01-10 to 2024-01-20: 10 days.
      traject('T2', 'b', '2024-01-20', undefined, { toewijzingsdatum: '2024-01-10' }),
      // A start before the request counts as 0 days.
      traject('T3', 'c', '2024-01-05', undefined, { toewijzingsdatum: '2024-01-10' }),
      // c also has a stay (hulpvorm 11): c is not ambulant-only.
      traject('T4', 'c', '2024-02-01', undefined, { productcategorie: '35', toewijzingsdatum: '2024-01-10' }),
      // d turns 18 in 2024-05 (born 2006-05) with care that runs on; e turns 18 in 2024-03, care ends 2024-03-20 (31).
      traject('T5', 'd', '2024-01-01', undefined, {
        geboortejaar: 2006,
        geboortemaand: 5,
        toewijzingsdatum: '2023-12-01',
      }),
      traject(
        'T6',
        'e',
        '2024-01-01',
        { einddatum: '2024-03-20', reden: '31' },
        { geboortejaar: 2006, geboortemaand: 3, toewijzingsdatum: '2023-12-01' },
      ),
      {
        jw315: [{ referentie_aanbieder: 'R1', client_id: 'a', dagtekening: '2024-01-01' }],
      },
    );
    ({ db } = await buildWith(given, { peildatum: '2024-12-31' }));
  });
  afterAll(() => db.close());

  it('tijdigheid: median (mean of the middle two) and share within 28 days, in the period of the first start', async () => {
    // Jan 2024 starts: T1 30, T2 10, T3 0; T5 and T6 started 2024-01-01 after a 2023-12-01 toewijzing: 31 each.
    const median = (await value(db, 'GM0193', '2024-H1', 'tijdigheid_mediaan_dagen'))!;
    // Values 0, 10, 30, 31, 31 and T4 (2024-02-01 − 2024-01-10 = 22): 0, 10, 22, 30, 31, 31 → (22 + 30) / 2.
    expect(median).toMatchObject({ noemer: 6, waarde: 26, teller: null });
    expect(await value(db, 'GM0193', '2024-H1', 'tijdigheid_binnen_28_dagen')).toMatchObject({
      teller: 3,
      noemer: 6,
    });
  });

  it('ambulant aandeel: clients with jeugdhulp and no stay in the period', async () => {
    expect(await value(db, 'GM0193', '2024', 'ambulant_aandeel')).toMatchObject({ teller: 4, noemer: 5 });
  });

  it('ambulant verhouding: trajectories started without a stay per one started with a stay', async () => {
    // T1, T2, T3, T5 and T6 started in 2024 without a stay, T4 with one (category 35, pleegzorg).
    expect(await value(db, 'GM0193', '2024', 'ambulant_verhouding')).toMatchObject({
      teller: 5,
      noemer: 1,
      waarde: 5,
      ci_laag: null,
    });
    // No trajectory with a stay started in Kampen: a ratio to 0 has no row.
    expect(await value(db, 'GM0166', '2024', 'ambulant_verhouding')).toBeUndefined();
  });

  it('achttien doorloop: of clients turning 18 in care, those whose care ran past the birthday month or ended with 39', async () => {
    expect(await value(db, 'GM0193', '2024', 'achttien_doorloop')).toMatchObject({ teller: 1, noemer: 2 });
    expect(await value(db, 'GM0193', '2024-H2', 'achttien_doorloop')).toBeUndefined();
  });
});

describe('the justitieel kader, counted apart', () => {
  let db: Warehouse;
  const JB = { productcategorie: '48' };
  const JR = { productcategorie: '47' };
  beforeAll(async () => {
    const given = merge(
      // j1 in Zwolle: jeugdbescherming from February (open), jeugdreclassering March to May.
      traject('J1', 'j1', '2024-02-01', undefined, JB),
      traject('J2', 'j1', '2024-03-01', { einddatum: '2024-05-31', reden: '31' }, JR),
      // j2: jeugdbescherming in Kampen until 2024-01-15, then in Zwolle from August.
      traject(
        'J3',
        'j2',
        '2023-06-01',
        { einddatum: '2024-01-15', reden: '31' },
        {
          ...KAMPEN,
          ...JB,
          ingangsdatum: '2023-06-01',
        },
      ),
      traject('J4', 'j2', '2024-08-01', undefined, JB),
      // j4 starts after the peildatum: not yet known.
      traject('J5', 'j4', '2025-02-01', undefined, JB),
      // j3 has jeugdhulp only.
      traject('H1', 'j3', '2024-01-01'),
    );
    ({ db } = await buildWith(given, { peildatum: '2024-12-31' }));
  });
  afterAll(() => db.close());

  const count = async (gemeente: string, periode: string, kader = 'totaal') =>
    (
      await value(
        db,
        gemeente,
        periode,
        'jeugdigen_justitieel',
        kader === 'totaal' ? 'totaal' : 'kader',
        kader,
      )
    )?.waarde;

  it('counts distinct clients per gemeente, in total and per kader, with a 0 where there were none', async () => {
    expect(await count('GM0193', '2024')).toBe(2);
    expect(await count('GM0193', '2024', 'jeugdbescherming')).toBe(2);
    expect(await count('GM0193', '2024', 'jeugdreclassering')).toBe(1);
    expect(await count('GM0193', '2024', 'preventief_justitieel')).toBe(0);
    expect(await count('GM0193', '2024-H2', 'jeugdreclassering')).toBe(0);
    expect(await count('GM0166', '2024-H1')).toBe(1);
    expect(await count('GM0166', '2024-H2')).toBe(0);
    expect(await count('GM0148', '2024')).toBe(0);
  });

  it('counts a client once in the region, though two gemeenten had them', async () => {
    expect(await count('IJsselland', '2024')).toBe(2);
    expect(await count('IJsselland', '2024', 'jeugdbescherming')).toBe(2);
    expect(await count('GM0193', '2024')).toBe(2);
    expect(await count('GM0166', '2024')).toBe(1);
  });

  it('keeps the kader out of every jeugdhulp figure', async () => {
    expect((await value(db, 'GM0193', '2024', 'jeugdigen_met_jeugdhulp'))?.waarde).toBe(1);
    expect((await value(db, 'GM0193', '2024', 'trajecten_gestart'))?.waarde).toBe(1);
    expect(await value(db, 'GM0193', '2024', 'ambulant_aandeel')).toMatchObject({ teller: 1, noemer: 1 });
  });
});
