/**
 * Everything the reports read from the warehouse, in one place so the table and column names live here
 * only. What leaves this module has passed the small-numbers rule (`disclosure.ts`): the raw rows stay
 * private, callers get `Published` figures. Data-quality counts (files and rows, not people) are the one
 * exception and are returned as plain numbers.
 *
 * A table that does not exist yields `{ ok: false, reason }` so the report can say so instead of failing.
 */
import type { Warehouse } from '../pipelines/lib/db.js';
import { gemeenten as referenceGemeenten } from '../pipelines/lib/gemeenten.js';
import {
  GATING_COUNT,
  type IndicatorRow,
  MIN_DENOMINATOR,
  type Published,
  publishCount,
  publishIndicatorRow,
  publishShare,
  publishSurvival,
} from './disclosure.js';

export type Available<T> = { ok: true; value: T } | { ok: false; reason: string };

function missing<T>(table: string): Available<T> {
  return {
    ok: false,
    reason: `De tabel ${table} ontbreekt in het warehouse; deze cijfers zijn nog niet berekend.`,
  };
}

const tableLists = new WeakMap<Warehouse, Promise<Set<string>>>();

/** Whether a table or view exists (name as `schema.table`); the list is read once per warehouse handle. */
export async function tableExists(db: Warehouse, name: string): Promise<boolean> {
  let list = tableLists.get(db);
  if (!list) {
    list = db
      .all<{ name: string }>(
        `select schema_name || '.' || table_name as name from duckdb_tables()
         union all select schema_name || '.' || view_name from duckdb_views()`,
      )
      .then((rows) => new Set(rows.map((r) => r.name)));
    tableLists.set(db, list);
  }
  return (await list).has(name);
}

export interface GemeenteNaam {
  code: string;
  naam: string;
}

/** The region's gemeenten from ref.gemeenten, or the project's reference list when that table is absent. */
export async function readGemeenten(db: Warehouse): Promise<GemeenteNaam[]> {
  if (await tableExists(db, 'ref.gemeenten')) {
    const rows = await db.all<{ code: string; naam: string }>(
      'select cbs_code as code, naam from ref.gemeenten order by naam',
    );
    if (rows.length > 0) return rows;
  }
  return [...referenceGemeenten]
    .map((g) => ({ code: g.cbsCode, naam: g.naam }))
    .sort((a, b) => a.naam.localeCompare(b.naam));
}

/** One published figure with the key of the mart row it came from. */
export interface IndicatorFigure {
  gemeente: string;
  periode: string;
  indicator: string;
  dimensie: string;
  dimensieWaarde: string;
  figure: Published;
}

function key(gemeente: string, periode: string, indicator: string, dimensie: string, waarde: string): string {
  return [gemeente, periode, indicator, dimensie, waarde].join('\u0001');
}

/** The published marts.indicator_values, looked up by key. */
export class IndicatorSet {
  readonly #byKey = new Map<string, IndicatorFigure>();
  readonly periodes: readonly string[];

  constructor(figures: IndicatorFigure[]) {
    for (const f of figures) {
      this.#byKey.set(key(f.gemeente, f.periode, f.indicator, f.dimensie, f.dimensieWaarde), f);
    }
    this.periodes = [...new Set(figures.map((f) => f.periode))].sort();
  }

  get(gemeente: string, periode: string, indicator: string, dimensie = 'totaal', waarde = 'totaal') {
    return this.#byKey.get(key(gemeente, periode, indicator, dimensie, waarde));
  }

  /** The values of a dimension present for an indicator (e.g. the hulpvormen with costs). */
  dimensieWaarden(gemeente: string, indicator: string, dimensie: string): string[] {
    const out = new Set<string>();
    for (const f of this.#byKey.values()) {
      if (f.gemeente === gemeente && f.indicator === indicator && f.dimensie === dimensie)
        out.add(f.dimensieWaarde);
    }
    return [...out].sort();
  }

  /** Every figure, for tests and exports. */
  all(): IndicatorFigure[] {
    return [...this.#byKey.values()];
  }
}

/** The day each Kaplan–Meier indicator describes: 6, 12, 24 months; the median at its own value. */
const KM_DAY: Readonly<Record<string, (row: IndicatorRow) => number | null>> = {
  nog_in_verblijf_6m: () => 183,
  nog_in_verblijf_12m: () => 365,
  nog_in_verblijf_24m: () => 730,
  verblijfsduur_km_mediaan: (row) => row.waarde,
};

type AtRiskLookup = ((gemeente: string, cohort: string, dag: number) => number) | null;

/**
 * Number at risk in a cohort at a day, from marts.verblijfsduur_curve: the at_risk of the first row on or
 * after that day (0 when the curve ends before it). Null when the curve table is absent.
 */
async function readAtRisk(db: Warehouse): Promise<AtRiskLookup> {
  if (!(await tableExists(db, 'marts.verblijfsduur_curve'))) return null;
  const rows = await db.all<{ gemeente: string; cohort: string; dag: number; at_risk: number }>(
    `select gemeente, cohort::varchar as cohort, dag::integer as dag, at_risk::double as at_risk
       from marts.verblijfsduur_curve order by gemeente, cohort, dag`,
  );
  const byCohort = new Map<string, { dag: number; at_risk: number }[]>();
  for (const r of rows) {
    const k = `${r.gemeente}|${r.cohort}`;
    const list = byCohort.get(k) ?? [];
    list.push(r);
    byCohort.set(k, list);
  }
  return (gemeente, cohort, dag) =>
    byCohort.get(`${gemeente}|${cohort}`)?.find((r) => r.dag >= dag)?.at_risk ?? 0;
}

function kmAtRisk(row: IndicatorRow, lookup: AtRiskLookup): { atRisk?: number | null } {
  const day = KM_DAY[row.indicator]?.(row);
  if (!lookup || day === undefined) return {};
  return { atRisk: day === null ? null : lookup(row.gemeente, row.periode, day) };
}

/** Reads and publishes marts.indicator_values. */
export async function readIndicators(db: Warehouse): Promise<Available<IndicatorSet>> {
  if (!(await tableExists(db, 'marts.indicator_values'))) return missing('marts.indicator_values');
  const rows = await db.all<IndicatorRow & Record<string, unknown>>(
    `select gemeente, periode, indicator, dimensie, dimensie_waarde,
            teller::double as teller, noemer::double as noemer, waarde::double as waarde,
            ci_laag::double as ci_laag, ci_hoog::double as ci_hoog
       from marts.indicator_values`,
  );
  const atRiskAt = await readAtRisk(db);
  const raw = new Map<string, IndicatorRow>();
  for (const r of rows) raw.set(key(r.gemeente, r.periode, r.indicator, r.dimensie, r.dimensie_waarde), r);
  const figures = rows.map((r) => {
    const gating = GATING_COUNT[r.indicator];
    const gatingRow = gating
      ? raw.get(key(r.gemeente, r.periode, gating, r.dimensie, r.dimensie_waarde))
      : undefined;
    const providerRow =
      r.dimensie === 'aanbieder'
        ? raw.get(key(r.gemeente, r.periode, 'jeugdigen_met_jeugdhulp', 'aanbieder', r.dimensie_waarde))
        : undefined;
    return {
      gemeente: r.gemeente,
      periode: r.periode,
      indicator: r.indicator,
      dimensie: r.dimensie,
      dimensieWaarde: r.dimensie_waarde,
      figure: publishIndicatorRow(r, {
        gatingCount: gatingRow?.waarde ?? null,
        providerClients: providerRow?.waarde ?? null,
        ...kmAtRisk(r, atRiskAt),
      }),
    };
  });
  return { ok: true, value: new IndicatorSet(figures) };
}

export interface FunnelLimit {
  noemer: number;
  regioWaarde: number;
  p95Laag: number;
  p95Hoog: number;
  p998Laag: number;
  p998Hoog: number;
}

export interface FunnelPoint {
  gemeente: string;
  /** The share, gated; its `n` is the rounded denominator used as the x position. */
  figure: Published;
  /** `binnen`, `boven` or `onder` the 95% limits as the mart says; null when the share is not shown. */
  positie: string | null;
  buiten998: boolean | null;
}

export interface Funnel {
  limits: FunnelLimit[];
  points: FunnelPoint[];
}

/**
 * Funnel limits and positions for one indicator and period (dimensie totaal). Limits are drawn only from
 * a denominator of 20 on, where a share could be shown at all.
 */
export async function readFunnel(
  db: Warehouse,
  indicator: string,
  periode: string,
): Promise<Available<Funnel>> {
  for (const t of ['marts.funnel_limits', 'marts.funnel_posities'])
    if (!(await tableExists(db, t))) return missing(t);
  const limits = await db.all<FunnelLimit & Record<string, unknown>>(
    `select noemer::double as "noemer", regio_waarde::double as "regioWaarde",
            p95_laag::double as "p95Laag", p95_hoog::double as "p95Hoog",
            p998_laag::double as "p998Laag", p998_hoog::double as "p998Hoog"
       from marts.funnel_limits
      where indicator = $1 and periode = $2 and dimensie = 'totaal' and noemer >= $3
      order by noemer`,
    [indicator, periode, MIN_DENOMINATOR],
  );
  const rows = await db.all<{
    gemeente: string;
    teller: number | null;
    noemer: number | null;
    waarde: number | null;
    positie: string | null;
    buiten_998: boolean | null;
  }>(
    `select gemeente, teller::double as teller, noemer::double as noemer, waarde::double as waarde,
            positie, buiten_998
       from marts.funnel_posities
      where indicator = $1 and periode = $2
      order by gemeente`,
    [indicator, periode],
  );
  const points = rows.map((r) => {
    const figure = publishShare({ teller: r.teller, noemer: r.noemer, waarde: r.waarde });
    const shown = figure.status === 'getoond';
    return {
      gemeente: r.gemeente,
      figure,
      positie: shown ? r.positie : null,
      buiten998: shown ? r.buiten_998 : null,
    };
  });
  return { ok: true, value: { limits, points } };
}

export interface CurvePoint {
  dag: number;
  /** Survival S(dag), gated on the number at risk. */
  overleving: Published;
  atRisk: Published;
}

export interface Curve {
  cohort: string;
  points: CurvePoint[];
}

/** Kaplan–Meier curves of verblijfsduur of every gemeente and the region, one per start cohort. */
export async function readCurves(db: Warehouse): Promise<Available<ReadonlyMap<string, Curve[]>>> {
  if (!(await tableExists(db, 'marts.verblijfsduur_curve'))) return missing('marts.verblijfsduur_curve');
  const rows = await db.all<{
    gemeente: string;
    cohort: string;
    dag: number;
    overleving: number | null;
    ci_laag: number | null;
    ci_hoog: number | null;
    at_risk: number | null;
  }>(
    `select gemeente, cohort::varchar as cohort, dag::integer as dag, overleving::double as overleving,
            ci_laag::double as ci_laag, ci_hoog::double as ci_hoog, at_risk::double as at_risk
       from marts.verblijfsduur_curve
      order by gemeente, cohort, dag`,
  );
  const curves = new Map<string, Map<string, CurvePoint[]>>();
  for (const r of rows) {
    const byCohort = curves.get(r.gemeente) ?? new Map<string, CurvePoint[]>();
    curves.set(r.gemeente, byCohort);
    const list = byCohort.get(r.cohort) ?? [];
    byCohort.set(r.cohort, list);
    list.push({
      dag: r.dag,
      overleving: publishSurvival('fractie', {
        waarde: r.overleving,
        atRisk: r.at_risk,
        ciLaag: r.ci_laag,
        ciHoog: r.ci_hoog,
      }),
      atRisk: publishCount(r.at_risk),
    });
  }
  const out = new Map<string, Curve[]>();
  for (const [gemeente, byCohort] of curves) {
    out.set(
      gemeente,
      [...byCohort].map(([cohort, points]) => ({ cohort, points })),
    );
  }
  return { ok: true, value: out };
}

/** The date up to which the data is complete (core.peildatum), or else that of the run. */
export async function readPeildatum(db: Warehouse, runPeildatum: string | null): Promise<string | null> {
  if (await tableExists(db, 'core.peildatum')) {
    const row = await db.one<{ peildatum: string | null }>(
      'select max(peildatum) as peildatum from core.peildatum',
    );
    if (row?.peildatum) return row.peildatum;
  }
  return runPeildatum;
}

export interface RunInfo {
  runId: string | null;
  status: string | null;
  startedAt: string | null;
  peildatum: string | null;
}

/** The run the reports describe: `runId` when given, else the latest in meta.runs. */
export async function readRun(db: Warehouse, runId?: string): Promise<RunInfo> {
  const none = { runId: runId ?? null, status: null, startedAt: null, peildatum: null };
  if (!(await tableExists(db, 'meta.runs'))) return none;
  const sql = `select run_id as "runId", status, strftime(started_at, '%Y-%m-%dT%H:%M:%S') as "startedAt",
                      peildatum from meta.runs`;
  const row =
    runId === undefined
      ? await db.one<RunInfo & Record<string, unknown>>(`${sql} order by started_at desc limit 1`)
      : await db.one<RunInfo & Record<string, unknown>>(`${sql} where run_id = $1`, [runId]);
  return row ?? none;
}

export interface DeliverySummary {
  result: string;
  bestanden: number;
  gelezen: number;
  geladen: number;
  quarantaine: number;
  overgeslagen: number;
}

export interface RejectedFile {
  gemeente: string;
  bestand: string;
  result: string;
  reden: string;
}

export interface ReasonCount {
  gemeente: string;
  reden: string;
  kolom: string | null;
  rijen: number;
}

export interface ModelIssue {
  gemeente: string;
  soort: string;
  omschrijving: string;
  aantal: number;
}

/** A file read in another dialect than its profile says (core.profielafwijkingen). */
export interface ProfileDeparture {
  gemeente: string;
  bestand: string;
  omschrijving: string;
}

export interface DataQuality {
  deliveries: Available<DeliverySummary[]>;
  rejectedFiles: Available<RejectedFile[]>;
  quarantine: Available<ReasonCount[]>;
  modelIssues: Available<ModelIssue[]>;
  departures: Available<ProfileDeparture[]>;
}

function sumBy<T>(rows: T[], key: (r: T) => string, add: (into: T, r: T) => void): T[] {
  const out = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    const into = out.get(k);
    if (into) add(into, r);
    else out.set(k, { ...r });
  }
  return [...out.values()];
}

function mapAvailable<T, U>(a: Available<T>, f: (value: T) => U): Available<U> {
  return a.ok ? { ok: true, value: f(a.value) } : a;
}

/**
 * What was delivered and rejected, read once for the whole region; `for(gemeente)` gives one gemeente's
 * part, `for(null)` the region's. Counts of files and rows, never record-level content: no values, no
 * keys, no client ids from quarantine.
 */
export async function readDataQuality(db: Warehouse): Promise<{ for(gemeente: string | null): DataQuality }> {
  const hasDeliveries = await tableExists(db, 'meta.deliveries');
  const deliveries: Available<(DeliverySummary & { gemeente: string })[]> = hasDeliveries
    ? {
        ok: true,
        value: await db.all<DeliverySummary & { gemeente: string } & Record<string, unknown>>(
          `select gemeente, result, count(*)::integer as bestanden,
                  coalesce(sum(records_read), 0)::double as gelezen,
                  coalesce(sum(records_loaded), 0)::double as geladen,
                  coalesce(sum(records_quarantined), 0)::double as quarantaine,
                  coalesce(sum(records_skipped), 0)::double as overgeslagen
             from meta.deliveries group by gemeente, result order by result`,
        ),
      }
    : missing('meta.deliveries');
  const rejectedFiles: Available<RejectedFile[]> = hasDeliveries
    ? {
        ok: true,
        value: await db.all<RejectedFile & Record<string, unknown>>(
          `select gemeente,
                  case when member_name is null then file_name else file_name || ' › ' || member_name end as bestand,
                  result, coalesce(reason, '') as reden
             from meta.deliveries
            where result in ('afgewezen', 'deels_afgewezen', 'overgeslagen')
            order by gemeente, bestand`,
        ),
      }
    : missing('meta.deliveries');
  const quarantine: Available<ReasonCount[]> = (await tableExists(db, 'meta.quarantine'))
    ? {
        ok: true,
        value: await db.all<ReasonCount & Record<string, unknown>>(
          `select gemeente, reason as reden, column_name as kolom, count(*)::integer as rijen
             from meta.quarantine group by all order by rijen desc, reden`,
        ),
      }
    : missing('meta.quarantine');
  const modelIssues: Available<ModelIssue[]> = (await tableExists(db, 'core.datakwaliteit'))
    ? {
        ok: true,
        value: await db.all<ModelIssue & Record<string, unknown>>(
          `select gemeente, soort, omschrijving, sum(aantal)::double as aantal
             from core.datakwaliteit where gemeente <> 'IJsselland'
            group by all having sum(aantal) > 0 order by soort`,
        ),
      }
    : missing('core.datakwaliteit');
  const departures: Available<ProfileDeparture[]> = (await tableExists(db, 'core.profielafwijkingen'))
    ? {
        ok: true,
        value: await db.all<ProfileDeparture & Record<string, unknown>>(
          `select gemeente, bestand, omschrijving from core.profielafwijkingen
            order by gemeente, bestand, aspect, kolom`,
        ),
      }
    : missing('core.profielafwijkingen');
  return {
    for(gemeente) {
      if (gemeente !== null) {
        const own = <T extends { gemeente: string }>(rows: T[]) =>
          rows.filter((r) => r.gemeente === gemeente);
        return {
          deliveries: mapAvailable(deliveries, own),
          rejectedFiles: mapAvailable(rejectedFiles, own),
          quarantine: mapAvailable(quarantine, own),
          modelIssues: mapAvailable(modelIssues, own),
          departures: mapAvailable(departures, own),
        };
      }
      return {
        deliveries: mapAvailable(deliveries, (rows) =>
          sumBy(
            rows,
            (r) => r.result,
            (a, r) => {
              a.bestanden += r.bestanden;
              a.gelezen += r.gelezen;
              a.geladen += r.geladen;
              a.quarantaine += r.quarantaine;
              a.overgeslagen += r.overgeslagen;
            },
          ),
        ),
        rejectedFiles,
        quarantine: mapAvailable(quarantine, (rows) =>
          sumBy(
            rows,
            (r) => `${r.reden}\u0001${r.kolom ?? ''}`,
            (a, r) => {
              a.rijen += r.rijen;
            },
          ).sort((a, b) => b.rijen - a.rijen),
        ),
        modelIssues: mapAvailable(modelIssues, (rows) =>
          sumBy(
            rows,
            (r) => r.soort,
            (a, r) => {
              a.aantal += r.aantal;
            },
          ),
        ),
        departures,
      };
    },
  };
}
