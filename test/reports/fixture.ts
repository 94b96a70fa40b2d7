/**
 * A tiny warehouse for the report tests: the marts, core and meta tables the reports read, filled with
 * hand-made rows. Every gemeente gets figures; Staphorst and Ommen are small so the rule must suppress,
 * and the deliveries hold a file name and reasons that must be escaped.
 */
import type { Warehouse } from '../../pipelines/lib/db.js';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import type { IndicatorRow } from '../../reports/disclosure.js';

export const PEILDATUM = '2025-06-30';
export const RUN_ID = 'run-20250701-0200';
export const EVIL_FILE = '<script>alert(1)</script>.csv';
export const SECRET_BSN = '123456782';
export const SECRET_KEY = 'TW-GEHEIM-0001';
export const PERIODES = ['2023', '2023-H1', '2023-H2', '2024', '2024-H1', '2024-H2', '2025-H1'];

/** An indicator row as the warehouse holds it (the report's own row type). */
export type RawIndicator = IndicatorRow;

/** Size of each gemeente's caseload: Zwolle big, Staphorst and Ommen tiny. */
const size: Record<string, number> = {
  GM0193: 60,
  GM0150: 45,
  GM0166: 20,
  GM0160: 18,
  GM1708: 14,
  GM0177: 12,
  GM0148: 9,
  GM1773: 7,
  GM1896: 6,
  GM0175: 0.4,
  GM0180: 0.15,
};

export function wilson(x: number, n: number): [number, number] {
  const z = 1.959964;
  const p = x / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** A deterministic wobble so figures differ by gemeente and period. */
function wobble(code: string, periode: string, salt: number): number {
  let h = salt;
  for (const ch of `${code}${periode}`) h = (h * 31 + ch.charCodeAt(0)) % 9973;
  return (h % 100) / 100;
}

export function makeIndicatorRows(): RawIndicator[] {
  const rows: RawIndicator[] = [];
  const add = (
    r: Omit<RawIndicator, 'ci_laag' | 'ci_hoog'> & { ci_laag?: number | null; ci_hoog?: number | null },
  ) => rows.push({ ci_laag: null, ci_hoog: null, ...r });
  const count = (
    g: string,
    p: string,
    indicator: string,
    n: number,
    dimensie = 'totaal',
    waarde = 'totaal',
  ) =>
    add({
      gemeente: g,
      periode: p,
      indicator,
      dimensie,
      dimensie_waarde: waarde,
      teller: null,
      noemer: null,
      waarde: n,
    });
  /** teller ÷ noemer; with `ci` its Wilson interval (a share), without it a ratio. */
  const fraction = (g: string, p: string, indicator: string, x: number, n: number, ci: boolean) => {
    if (n === 0) return;
    const [lo, hi] = ci ? wilson(x, n) : [null, null];
    add({
      gemeente: g,
      periode: p,
      indicator,
      dimensie: 'totaal',
      dimensie_waarde: 'totaal',
      teller: x,
      noemer: n,
      waarde: x / n,
      ci_laag: lo,
      ci_hoog: hi,
    });
  };
  const share = (g: string, p: string, indicator: string, x: number, n: number) =>
    fraction(g, p, indicator, x, n, true);
  const ratio = (g: string, p: string, indicator: string, x: number, n: number) =>
    fraction(g, p, indicator, x, n, false);
  const totals = new Map<string, number>();
  const sum = (key: string, v: number) => totals.set(key, (totals.get(key) ?? 0) + v);

  for (const p of PERIODES) {
    const scale = p.includes('-H') ? 1 : 1.6;
    for (const g of gemeenten) {
      const s = size[g.cbsCode]!;
      const w = wobble(g.cbsCode, p, 7);
      const clients = Math.round((40 + 30 * w) * s * scale);
      const placed = Math.round(clients * (0.06 + 0.04 * w));
      const nieuw = Math.round(placed * 0.4);
      const types = [0.45, 0.15, 0.05, 0.35].map((f) => Math.round(placed * f));
      const ended = Math.round(clients * 0.5);
      const uitval = Math.round(ended * (0.1 + 0.1 * w));
      const doel = Math.round(ended * 0.6 * (0.6 + 0.2 * w));
      const measured = Math.round(ended * 0.6);
      const gezin = types[0]! + types[1]!;
      const values: [string, number][] = [
        ['jeugdigen_met_jeugdhulp', clients],
        ['uithuisgeplaatst', placed],
        ['nieuwe_uithuisplaatsingen', nieuw],
        ['trajecten_beeindigd', ended],
        ['jeugdigen_justitieel', Math.round(clients * 0.08 * (0.5 + w))],
      ];
      for (const [ind, v] of values) {
        count(g.cbsCode, p, ind, v);
        sum(`${p}|${ind}`, v);
      }
      types.forEach((v, i) => {
        const t = ['11', '12', '13', '14'][i]!;
        count(g.cbsCode, p, 'uithuisgeplaatst', v, 'verblijfstype', t);
        sum(`${p}|type|${t}`, v);
      });
      const pop = Math.round(1000 * Math.max(1, s) * 3);
      sum(`${p}|pop`, pop);
      add({
        gemeente: g.cbsCode,
        periode: p,
        indicator: 'jeugdigen_per_1000',
        dimensie: 'totaal',
        dimensie_waarde: 'totaal',
        teller: clients,
        noemer: pop,
        waarde: (1000 * clients) / pop,
      });
      add({
        gemeente: g.cbsCode,
        periode: p,
        indicator: 'uithuisgeplaatst_per_1000',
        dimensie: 'totaal',
        dimensie_waarde: 'totaal',
        teller: placed,
        noemer: pop,
        waarde: (1000 * placed) / pop,
      });
      const shares: [string, number, number][] = [
        ['uithuisgeplaatst_aandeel', placed, clients],
        ['ambulant_aandeel', clients - placed, clients],
        ['kleinschalig_gezinsgericht', gezin, placed],
        ['uitval', uitval, ended],
        ['doelrealisatie_volledig_of_gedeeltelijk', doel, measured],
        [
          'tijdigheid_binnen_28_dagen',
          Math.round(clients * 0.3 * (0.5 + 0.3 * w)),
          Math.round(clients * 0.3),
        ],
        ['geen_nieuwe_start', Math.round(ended * 0.7), ended],
      ];
      for (const [ind, x, n] of shares) {
        share(g.cbsCode, p, ind, x, n);
        sum(`${p}|${ind}|x`, x);
        sum(`${p}|${ind}|n`, n);
      }
      // Trajectories started without a stay per one started with a stay.
      const zonder = Math.round(clients * 0.45);
      ratio(g.cbsCode, p, 'ambulant_verhouding', zonder, nieuw);
      sum(`${p}|verhouding|x`, zonder);
      sum(`${p}|verhouding|n`, nieuw);
      if (!p.includes('-H')) {
        const n = Math.round(clients * 0.3);
        if (n > 0)
          add({
            gemeente: g.cbsCode,
            periode: p,
            indicator: 'tijdigheid_mediaan_dagen',
            dimensie: 'totaal',
            dimensie_waarde: 'totaal',
            teller: null,
            noemer: n,
            waarde: 20 + 20 * w,
          });
        const euros = clients * 9000 * (1 + w);
        add({
          gemeente: g.cbsCode,
          periode: p,
          indicator: 'kosten_gedeclareerd',
          dimensie: 'totaal',
          dimensie_waarde: 'totaal',
          teller: null,
          noemer: null,
          waarde: euros,
        });
        if (clients > 0)
          add({
            gemeente: g.cbsCode,
            periode: p,
            indicator: 'kosten_per_jeugdige',
            dimensie: 'totaal',
            dimensie_waarde: 'totaal',
            teller: null,
            noemer: clients,
            waarde: euros / clients,
          });
        for (const [hv, f] of [
          ['02', 0.6],
          ['11', 0.15],
          ['14', 0.25],
        ] as [string, number][]) {
          const c = Math.round(clients * f);
          count(g.cbsCode, p, 'jeugdigen_met_jeugdhulp', c, 'hulpvorm', hv);
          add({
            gemeente: g.cbsCode,
            periode: p,
            indicator: 'kosten_gedeclareerd',
            dimensie: 'hulpvorm',
            dimensie_waarde: hv,
            teller: null,
            noemer: null,
            waarde: euros * f,
          });
        }
        // Kaplan–Meier per start cohort (periode = cohort year): noemer is the cohort size.
        const cohort = nieuw;
        for (const [ind, v] of [
          ['verblijfsduur_km_mediaan', 300 + 200 * w],
          ['nog_in_verblijf_6m', 0.8],
          ['nog_in_verblijf_12m', 0.55],
          ['nog_in_verblijf_24m', 0.3],
        ] as [string, number][]) {
          if (cohort > 0)
            add({
              gemeente: g.cbsCode,
              periode: p,
              indicator: ind,
              dimensie: 'totaal',
              dimensie_waarde: 'totaal',
              teller: null,
              noemer: cohort,
              waarde: v,
              ...(ind.endsWith('mediaan') ? { ci_laag: v - 60, ci_hoog: v + 80 } : {}),
            });
        }
      }
    }
    // The region: counts are sums (trajecten) and shares pooled, as indicators.md §1 says.
    for (const ind of [
      'jeugdigen_met_jeugdhulp',
      'uithuisgeplaatst',
      'nieuwe_uithuisplaatsingen',
      'trajecten_beeindigd',
      'jeugdigen_justitieel',
    ]) {
      count('IJsselland', p, ind, totals.get(`${p}|${ind}`)!);
    }
    ratio(
      'IJsselland',
      p,
      'ambulant_verhouding',
      totals.get(`${p}|verhouding|x`)!,
      totals.get(`${p}|verhouding|n`)!,
    );
    for (const t of ['11', '12', '13', '14'])
      count('IJsselland', p, 'uithuisgeplaatst', totals.get(`${p}|type|${t}`)!, 'verblijfstype', t);
    for (const ind of [
      'uithuisgeplaatst_aandeel',
      'ambulant_aandeel',
      'kleinschalig_gezinsgericht',
      'uitval',
      'doelrealisatie_volledig_of_gedeeltelijk',
      'tijdigheid_binnen_28_dagen',
      'geen_nieuwe_start',
    ]) {
      share('IJsselland', p, ind, totals.get(`${p}|${ind}|x`)!, totals.get(`${p}|${ind}|n`)!);
    }
    const pop = totals.get(`${p}|pop`)!;
    const clients = totals.get(`${p}|jeugdigen_met_jeugdhulp`)!;
    add({
      gemeente: 'IJsselland',
      periode: p,
      indicator: 'jeugdigen_per_1000',
      dimensie: 'totaal',
      dimensie_waarde: 'totaal',
      teller: clients,
      noemer: pop,
      waarde: (1000 * clients) / pop,
    });
    if (!p.includes('-H')) {
      add({
        gemeente: 'IJsselland',
        periode: p,
        indicator: 'kosten_per_jeugdige',
        dimensie: 'totaal',
        dimensie_waarde: 'totaal',
        teller: null,
        noemer: clients,
        waarde: 13500,
      });
      add({
        gemeente: 'IJsselland',
        periode: p,
        indicator: 'verblijfsduur_km_mediaan',
        dimensie: 'totaal',
        dimensie_waarde: 'totaal',
        teller: null,
        noemer: totals.get(`${p}|nieuwe_uithuisplaatsingen`)!,
        waarde: 410,
        ci_laag: 360,
        ci_hoog: 470,
      });
    }
  }
  return rows;
}

export interface FunnelPositie {
  indicator: string;
  periode: string;
  gemeente: string;
  teller: number;
  noemer: number;
  waarde: number;
  positie: string;
  buiten_998: boolean;
}

export function funnelRows(rows: RawIndicator[]) {
  const limits: unknown[][] = [];
  const posities: FunnelPositie[] = [];
  for (const indicator of ['uithuisgeplaatst_aandeel', 'uitval', 'doelrealisatie_volledig_of_gedeeltelijk']) {
    const region = rows.find(
      (r) => r.gemeente === 'IJsselland' && r.periode === '2024' && r.indicator === indicator,
    )!;
    const p = region.waarde!;
    for (const n of [1, 5, 10, 20, 40, 80, 160, 320, 640, 1000, 1500, 2500]) {
      const s = Math.sqrt((p * (1 - p)) / n);
      limits.push([
        indicator,
        '2024',
        'totaal',
        'totaal',
        n,
        p,
        p - 1.96 * s,
        p + 1.96 * s,
        p - 3.09 * s,
        p + 3.09 * s,
      ]);
    }
    for (const r of rows.filter(
      (x) => x.periode === '2024' && x.indicator === indicator && x.gemeente !== 'IJsselland',
    )) {
      const s = Math.sqrt((p * (1 - p)) / r.noemer!);
      const z = (r.waarde! - p) / s;
      posities.push({
        indicator,
        periode: '2024',
        gemeente: r.gemeente,
        teller: r.teller!,
        noemer: r.noemer!,
        waarde: r.waarde!,
        positie: z > 1.96 ? 'boven' : z < -1.96 ? 'onder' : 'binnen',
        buiten_998: Math.abs(z) > 3.09,
      });
    }
  }
  return { limits, posities };
}

export interface CurveRow {
  gemeente: string;
  cohort: string;
  dag: number;
  overleving: number;
  at_risk: number;
}

export function curveRows(): CurveRow[] {
  const out: CurveRow[] = [];
  for (const [gemeente, start] of [
    ['GM0193', 60],
    ['IJsselland', 150],
    ['GM0180', 12],
  ] as [string, number][]) {
    for (const cohort of ['2023', '2024']) {
      let atRisk = cohort === '2024' ? Math.round(start * 0.8) : start;
      let s = 1;
      for (let dag = 0; dag <= 900 && atRisk > 0; dag += 45) {
        out.push({ gemeente, cohort, dag, overleving: s, at_risk: atRisk });
        const events = Math.max(1, Math.round(atRisk * 0.08));
        s *= 1 - events / atRisk;
        atRisk -= events + (dag % 90 === 0 ? 1 : 0);
      }
    }
  }
  return out;
}

/** Creates the marts/core tables and meta rows in `db` (a warehouse from `openWarehouse`). */
export async function fillFixture(db: Warehouse, rows = makeIndicatorRows()): Promise<void> {
  await db.run(`create schema if not exists marts; create schema if not exists core;
    create table marts.indicator_values (gemeente varchar, periode varchar, indicator varchar, dimensie varchar,
      dimensie_waarde varchar, teller bigint, noemer bigint, waarde double, ci_laag double, ci_hoog double);
    create table marts.verblijfsduur_curve (gemeente varchar, cohort varchar, dag integer, overleving double,
      ci_laag double, ci_hoog double, at_risk bigint, events bigint, censored bigint);
    create table marts.funnel_limits (indicator varchar, periode varchar, dimensie varchar, dimensie_waarde varchar,
      noemer bigint, regio_waarde double, p95_laag double, p95_hoog double, p998_laag double, p998_hoog double);
    create table marts.funnel_posities (indicator varchar, periode varchar, gemeente varchar, teller bigint,
      noemer bigint, waarde double, positie varchar, buiten_998 boolean);
    create table core.peildatum (peildatum date);
    create table core.datakwaliteit (gemeente varchar, soort varchar, omschrijving varchar, aantal bigint);`);
  await db.appendRows(
    'marts.indicator_values',
    rows.map((r) => [
      r.gemeente,
      r.periode,
      r.indicator,
      r.dimensie,
      r.dimensie_waarde,
      r.teller,
      r.noemer,
      r.waarde,
      r.ci_laag,
      r.ci_hoog,
    ]),
  );
  await db.appendRows(
    'marts.verblijfsduur_curve',
    curveRows().map((c) => [
      c.gemeente,
      c.cohort,
      c.dag,
      c.overleving,
      Math.max(0, c.overleving - 0.1),
      Math.min(1, c.overleving + 0.1),
      c.at_risk,
      1,
      0,
    ]),
  );
  const { limits, posities } = funnelRows(rows);
  await db.appendRows('marts.funnel_limits', limits);
  await db.appendRows(
    'marts.funnel_posities',
    posities.map((p) => [
      p.indicator,
      p.periode,
      p.gemeente,
      p.teller,
      p.noemer,
      p.waarde,
      p.positie,
      p.buiten_998,
    ]),
  );
  await db.run('insert into core.peildatum values ($1::date)', [PEILDATUM]);
  await db.run(`insert into core.datakwaliteit values
    ('GM0193', 'stop zonder start', 'Stopbericht zonder bijbehorend startbericht', 3),
    ('GM0193', 'verwijderde toewijzing', 'Toewijzing met reden wijziging 13 (verwijderd)', 2)`);
  await db.run(
    `insert into meta.deliveries (delivery_id, gemeente, file_name, sha256, size_bytes, file_type, loaded_at, run_id, result, reason, records_read, records_loaded, records_quarantined)
     values ('d1', 'GM0193', 'ijw_2025.zip', 'aa', 100, 'ijw', timestamp '2025-07-01 02:00:00', $1, 'geladen', null, 1200, 1200, 0),
            ('d2', 'GM0193', 'uitkomsten_20250601.csv', 'bb', 100, 'uitkomsten', timestamp '2025-07-01 02:00:00', $1, 'deels_afgewezen', null, 300, 296, 4),
            ('d3', 'GM0193', $2, 'cc', 10, 'onbekend', timestamp '2025-07-01 02:00:00', $1, 'afgewezen', 'Onbekend bestandstype "<b>" & meer', 0, 0, 0),
            ('d4', 'GM0180', 'clientbestand_2025.csv', 'dd', 10, 'clientbestand', timestamp '2025-07-01 02:00:00', $1, 'geladen', null, 40, 40, 0)`,
    [RUN_ID, EVIL_FILE],
  );
  await db.run(
    `insert into meta.quarantine (delivery_id, gemeente, file_name, line, column_name, value, rule, reason, record_key)
     values ('d2', 'GM0193', 'uitkomsten_20250601.csv', 3, 'bsn', $1, 'bsn_elfproef', 'BSN voldoet niet aan de elfproef', $2),
            ('d2', 'GM0193', 'uitkomsten_20250601.csv', 4, 'bsn', $1, 'bsn_elfproef', 'BSN voldoet niet aan de elfproef', $2),
            ('d2', 'GM0193', 'uitkomsten_20250601.csv', 5, 'einddatum', '31-02-2025', 'datum_ongeldig', 'Datum bestaat niet <i>', $2),
            ('d2', 'GM0193', 'uitkomsten_20250601.csv', 6, 'informant', 'X', 'code_onbekend', 'Informant moet J of O zijn', $2)`,
    [SECRET_BSN, SECRET_KEY],
  );
  await db.run(
    `insert into meta.runs (run_id, started_at, ended_at, status, peildatum)
     values ($1, timestamp '2025-07-01 02:00:00', timestamp '2025-07-01 02:04:00', 'ok', date '2025-06-30')`,
    [RUN_ID],
  );
}

export async function openFixtureWarehouse(): Promise<Warehouse> {
  const db = await openWarehouse(':memory:');
  await fillFixture(db);
  return db;
}
