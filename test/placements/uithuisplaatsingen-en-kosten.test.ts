import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildPlacements, type IndicatorRow, indicator } from './harness.js';

describe('placements and costs', () => {
  let db: Warehouse;
  let rows: (name: string) => Promise<Map<string, IndicatorRow>>;
  beforeAll(async () => {
    db = await buildPlacements({
      peildatum: '2024-12-31',
      trajecten: [
        // P1: pleegzorg, then residential from the next day (one stay), ambulant help beside it; later
        // also placed in a gezinshuis by Dalfsen.
        { client: 'P1', hulpvorm: '11', begin: '2024-01-01', eind: '2024-03-31' },
        { client: 'P1', hulpvorm: '14', begin: '2024-04-01', eind: null },
        { client: 'P1', hulpvorm: '02', begin: '2024-01-01', eind: null },
        { gemeente: 'GM0148', client: 'P1', hulpvorm: '12', begin: '2024-10-01', eind: null },
        // P2: a closed placement in the second half-year.
        { client: 'P2', hulpvorm: '13', begin: '2024-08-01', eind: '2024-09-30' },
        // P3 and P4: jeugdhulp without stay.
        { client: 'P3', hulpvorm: '02', begin: '2024-02-01', eind: null },
        { client: 'P4', hulpvorm: '01', begin: '2024-01-01', eind: null },
      ],
      toewijzingen: [
        // 1,200 euro for the whole of 2024 (366 days: 182 in H1, 184 in H2).
        {
          nummer: 'T1',
          client: 'P1',
          hulpvorm: '11',
          budgetCent: 120000,
          ingang: '2024-01-01',
          eind: '2024-12-31',
        },
        { nummer: 'T2', client: 'P3', hulpvorm: '02', ingang: '2024-02-01' },
        { nummer: 'T3', client: 'P2', hulpvorm: null, soort: 'jeugdbescherming', ingang: '2024-01-01' },
      ],
      declaraties: [
        { toewijzing: 'T1', begin: '2024-01-01', eind: '2024-01-31', cent: 50000 },
        { toewijzing: 'T1', begin: '2024-01-01', eind: '2024-01-31', cent: 10000, dc: 'C' },
        { toewijzing: 'T1', begin: '2024-08-01', eind: '2024-08-31', cent: 30000 },
        { toewijzing: 'T2', begin: '2024-03-01', eind: '2024-03-31', cent: 20000 },
        // Jeugdbescherming is not jeugdhulp: left out.
        { toewijzing: 'T3', categorie: '48', begin: '2024-03-01', cent: 99900 },
        // A toewijzing the warehouse does not know: the hulpvorm of its category (45 → 02).
        { toewijzing: 'TX', categorie: '45', begin: '2024-05-01', cent: 5000 },
      ],
    });
    rows = (name) => indicator(db, name);
  });
  afterAll(() => db.close());

  it('counts distinct clients with a stay, per type, in the gemeente and the region', async () => {
    const uit = await rows('uithuisgeplaatst');
    expect(uit.get('GM0193|2024|totaal')?.waarde).toBe(2);
    expect(uit.get('GM0148|2024|totaal')?.waarde).toBe(1);
    // P1 was placed by both gemeenten: once in the region.
    expect(uit.get('IJsselland|2024|totaal')?.waarde).toBe(2);
    expect(uit.get('GM0166|2024|totaal')).toMatchObject({ waarde: 0, teller: null, noemer: null });
    expect(['11', '12', '13', '14'].map((t) => uit.get(`GM0193|2024|${t}`)?.waarde)).toEqual([1, 0, 1, 1]);
    expect(uit.get('GM0193|2024-H1|13')?.waarde).toBe(0);
    expect(uit.get('GM0166|2024-H2|12')?.waarde).toBe(0);
  });

  it('gives the share of clients with jeugdhulp that was placed, and the family-like share', async () => {
    const aandeel = await rows('uithuisgeplaatst_aandeel');
    expect(aandeel.get('GM0193|2024|totaal')).toMatchObject({ teller: 2, noemer: 4, waarde: 0.5 });
    expect(aandeel.get('GM0193|2024|totaal')!.ci_laag).toBeCloseTo(0.15004, 4); // Wilson 2/4
    expect(aandeel.get('IJsselland|2024|totaal')).toMatchObject({ teller: 2, noemer: 4 });
    expect(aandeel.has('GM0166|2024|totaal')).toBe(false);
    const klein = await rows('kleinschalig_gezinsgericht');
    expect(klein.get('GM0193|2024|totaal')).toMatchObject({ teller: 1, noemer: 2, waarde: 0.5 });
    expect(klein.get('GM0148|2024|totaal')).toMatchObject({ teller: 1, noemer: 1, waarde: 1 });
    expect(klein.get('GM0193|2024-H2|totaal')).toMatchObject({ teller: 0, noemer: 2, waarde: 0 });
    const per1000 = await rows('uithuisgeplaatst_per_1000');
    const jeugd = await rows('jeugdigen_per_1000');
    expect(per1000.get('GM0193|2024|totaal')).toMatchObject({ teller: 2, noemer: 26341 + 9741 });
    expect(per1000.get('GM0193|2024|totaal')!.waarde).toBeCloseTo(2000 / 36082, 12);
    expect(per1000.get('IJsselland|2024|totaal')!.noemer).toBe(jeugd.get('IJsselland|2024|totaal')!.noemer);
  });

  it('counts new placements as verblijfsepisodes started in the period', async () => {
    const nieuw = await rows('nieuwe_uithuisplaatsingen');
    expect(nieuw.get('GM0193|2024|totaal')?.waarde).toBe(2);
    expect(nieuw.get('GM0193|2024-H1|totaal')?.waarde).toBe(1);
    expect(nieuw.get('GM0193|2024-H2|totaal')?.waarde).toBe(1);
    expect(nieuw.get('IJsselland|2024|totaal')?.waarde).toBe(3);
    expect(nieuw.get('GM0193|2024|11')?.waarde).toBe(1);
    expect(nieuw.get('GM0193|2024|14')?.waarde).toBe(0);
  });

  it('subtracts credits from debits, per hulpvorm through the toewijzing, jeugdhulp only', async () => {
    const kosten = await rows('kosten_gedeclareerd');
    // T1: 500 − 100 + 300 = 700; T2: 200; TX: 50 (category 45 → 02); T3 (jeugdbescherming) left out.
    expect(kosten.get('GM0193|2024|totaal')?.waarde).toBe(950);
    expect(kosten.get('GM0193|2024|11')?.waarde).toBe(700);
    expect(kosten.get('GM0193|2024|02')?.waarde).toBe(250);
    expect(kosten.get('GM0193|2024-H1|11')?.waarde).toBe(400);
    expect(kosten.get('GM0148|2024|totaal')?.waarde).toBe(0);
    expect(kosten.get('IJsselland|2024|totaal')?.waarde).toBe(950);
    const perJeugdige = await rows('kosten_per_jeugdige');
    expect(perJeugdige.get('GM0193|2024|totaal')).toMatchObject({ noemer: 4, waarde: 950 / 4 });
    // Per hulpvorm: the costs of 02 over the clients with an 02 trajectory (P1, P3).
    expect(perJeugdige.get('GM0193|2024|02')).toMatchObject({ noemer: 2, waarde: 125 });
    expect(perJeugdige.has('GM0166|2024|totaal')).toBe(false);
  });

  it('relates declared amounts to the budget of the days of the period', async () => {
    const benutting = await rows('budgetbenutting');
    expect(benutting.get('GM0193|2024|totaal')).toMatchObject({ teller: null, noemer: 1 });
    expect(benutting.get('GM0193|2024|totaal')!.waarde).toBeCloseTo(70000 / 120000, 12);
    // H1 holds 182 of the 366 budget days, H2 184.
    expect(benutting.get('GM0193|2024-H1|totaal')!.waarde).toBeCloseTo(40000 / ((120000 * 182) / 366), 12);
    expect(benutting.get('GM0193|2024-H2|11')!.waarde).toBeCloseTo(30000 / ((120000 * 184) / 366), 12);
    // Toewijzingen without a budget do not count; no budget at all, no row.
    expect(benutting.has('GM0193|2024|02')).toBe(false);
    expect(benutting.has('GM0148|2024|totaal')).toBe(false);
  });
});
