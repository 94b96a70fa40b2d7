/**
 * The small-numbers rule (indicators.md §3): the one gate every published figure passes through.
 *
 * Contract:
 * - A `Published` value can only be made by the `publish…` functions of this module (it carries a private
 *   brand), so a chart, table or export that accepts `Published` cannot be handed a raw warehouse value.
 * - `value` is what may be shown, plotted or written out; it is `null` when the rule suppresses the figure,
 *   and `status` says why: `'<10'` for a count of 1–9, `'n<20'` for a share, mean, median, rate or Kaplan–
 *   Meier estimate whose denominator (or number at risk) is below 20 or unknown.
 * - Counts of clients or trajectories are rounded to the nearest multiple of 5; 1–9 becomes `'<10'` and is
 *   not used further (no sums, no chart); 0 stays 0.
 * - Shares are computed from unrounded counts (the mart's `waarde`, else teller ÷ noemer) and only then
 *   gated; their interval bounds are gated with them.
 * - Every figure is gated on its own: the region is rounded from its own unrounded total, never summed
 *   from rounded gemeenten, so region minus the other ten does not reveal a suppressed gemeente.
 * - Per-provider figures are shown only for providers with at least 20 clients in the gemeente
 *   (`providerMayBeShown`).
 * - A ratio of two counts (trajectories without a stay per trajectory with one) is gated as a share is:
 *   computed from the unrounded counts and shown only when its denominator is at least 20.
 * - Rates per 1,000 youths follow the count they are made of: suppressed when that count is 1–9, and
 *   computed from the rounded count, since the population is public; euro amounts follow the number of
 *   clients they cover (≥ 20).
 *
 * The exports use the same functions (`publishIndicatorRow`), so a published CSV and a report never
 * disagree.
 */

/** Smallest count shown as a number; below it (and above 0) a count is shown as `<10`. */
export const MIN_COUNT = 10;
/** Counts are rounded to the nearest multiple of this. */
export const COUNT_ROUNDING = 5;
/** Smallest denominator (or number at risk, or number of values) for a share, mean, median or KM figure. */
export const MIN_DENOMINATOR = 20;
/** Smallest number of clients of a provider in a gemeente for its figures to be shown. */
export const MIN_PROVIDER_CLIENTS = 20;

export type Soort =
  /** clients or trajectories */
  | 'aantal'
  /** a fraction 0–1 with a denominator */
  | 'aandeel'
  /** a mean or median (days, rapportcijfer, euros per client) over n values */
  | 'gemiddelde'
  /** a Kaplan–Meier estimate (survival fraction or median days) with its number at risk / cohort size */
  | 'overleving'
  /** a rate per 1,000 youths, gated by the count it is made of */
  | 'per1000'
  /** a euro total, gated by the number of clients it covers */
  | 'bedrag'
  /** a ratio of two counts (so many of one kind per one of another), gated by its denominator */
  | 'verhouding';

export type Eenheid = 'aantal' | 'fractie' | 'dagen' | 'cijfer' | 'euro' | 'per1000' | 'verhouding';

export type Status = 'getoond' | '<10' | 'n<20';

declare const brand: unique symbol;

export interface Published {
  readonly [brand]: true;
  readonly soort: Soort;
  readonly eenheid: Eenheid;
  readonly status: Status;
  /** The value that may be shown and plotted; null when suppressed. Counts are already rounded. */
  readonly value: number | null;
  /** 95% interval, only when the value is shown. */
  readonly ciLaag: number | null;
  readonly ciHoog: number | null;
  /** The denominator (or n, or number at risk) as a published count, when there is one. */
  readonly n: Published | null;
}

function make(fields: Omit<Published, typeof brand>): Published {
  return Object.freeze(fields) as Published;
}

function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** Rounds a raw count of clients or trajectories: 0 → 0, 1–9 → `<10`, else the nearest multiple of 5. */
export function publishCount(raw: number | null | undefined): Published {
  const count = finite(raw);
  if (count === null) {
    return make({
      soort: 'aantal',
      eenheid: 'aantal',
      status: 'n<20',
      value: null,
      ciLaag: null,
      ciHoog: null,
      n: null,
    });
  }
  if (count > 0 && count < MIN_COUNT) {
    return make({
      soort: 'aantal',
      eenheid: 'aantal',
      status: '<10',
      value: null,
      ciLaag: null,
      ciHoog: null,
      n: null,
    });
  }
  const rounded = Math.round(count / COUNT_ROUNDING) * COUNT_ROUNDING;
  return make({
    soort: 'aantal',
    eenheid: 'aantal',
    status: 'getoond',
    value: rounded,
    ciLaag: null,
    ciHoog: null,
    n: null,
  });
}

function gated(
  soort: Soort,
  eenheid: Eenheid,
  waarde: number | null,
  denominator: number | null,
  ci: { laag?: number | null; hoog?: number | null },
  n: Published | null,
): Published {
  const shown = waarde !== null && denominator !== null && denominator >= MIN_DENOMINATOR;
  return make({
    soort,
    eenheid,
    status: shown ? 'getoond' : 'n<20',
    value: shown ? waarde : null,
    ciLaag: shown ? finite(ci.laag) : null,
    ciHoog: shown ? finite(ci.hoog) : null,
    n,
  });
}

/** Two counts as given, and their quotient: the mart's `waarde` when it has one, else teller ÷ noemer. */
function quotient(raw: {
  teller?: number | null;
  noemer: number | null | undefined;
  waarde?: number | null;
}) {
  const noemer = finite(raw.noemer);
  const teller = finite(raw.teller);
  return { noemer, waarde: finite(raw.waarde) ?? (teller !== null && noemer ? teller / noemer : null) };
}

/** A share: shown only when its denominator is at least 20. `waarde` wins over teller ÷ noemer. */
export function publishShare(raw: {
  teller?: number | null;
  noemer: number | null | undefined;
  waarde?: number | null;
  ciLaag?: number | null;
  ciHoog?: number | null;
}): Published {
  const { noemer, waarde } = quotient(raw);
  return gated(
    'aandeel',
    'fractie',
    waarde,
    noemer,
    { laag: raw.ciLaag, hoog: raw.ciHoog },
    publishCount(noemer),
  );
}

/**
 * A ratio of two counts (`teller` of one kind per one of `noemer`): computed from the unrounded counts,
 * shown when the denominator is at least 20, as a share is.
 */
export function publishRatio(raw: {
  teller?: number | null;
  noemer: number | null | undefined;
  waarde?: number | null;
}): Published {
  const { noemer, waarde } = quotient(raw);
  return gated('verhouding', 'verhouding', waarde, noemer, {}, publishCount(noemer));
}

/** A mean or median over `n` values (days, rapportcijfer, euros per client): shown when n ≥ 20. */
export function publishMean(
  eenheid: 'dagen' | 'cijfer' | 'euro',
  raw: {
    waarde: number | null | undefined;
    n: number | null | undefined;
    ciLaag?: number | null;
    ciHoog?: number | null;
  },
): Published {
  const n = finite(raw.n);
  return gated(
    'gemiddelde',
    eenheid,
    finite(raw.waarde),
    n,
    { laag: raw.ciLaag, hoog: raw.ciHoog },
    publishCount(n),
  );
}

/** A Kaplan–Meier estimate (survival fraction, or median in days): shown when the number at risk ≥ 20. */
export function publishSurvival(
  eenheid: 'fractie' | 'dagen',
  raw: {
    waarde: number | null | undefined;
    atRisk: number | null | undefined;
    /** The cohort size, published as `n` (default: the number at risk). */
    cohort?: number | null;
    ciLaag?: number | null;
    ciHoog?: number | null;
  },
): Published {
  const atRisk = finite(raw.atRisk);
  const n = publishCount(raw.cohort === undefined ? atRisk : raw.cohort);
  return gated('overleving', eenheid, finite(raw.waarde), atRisk, { laag: raw.ciLaag, hoog: raw.ciHoog }, n);
}

/**
 * A rate per 1,000 youths. The population is public, so the rate would give its count away: it is
 * suppressed exactly when that count is (1–9 or unknown), and shown to one decimal otherwise.
 */
export function publishRate(raw: {
  waarde: number | null | undefined;
  count: number | null | undefined;
  /** The population the rate is per 1,000 of; when known the rate is made from the rounded count. */
  population?: number | null;
}): Published {
  const count = publishCount(raw.count);
  const population = finite(raw.population);
  // From the rounded count: rate × the public population would otherwise give the exact count back.
  const waarde =
    population && population > 0 && count.value !== null
      ? (1000 * count.value) / population
      : finite(raw.waarde);
  const shown = waarde !== null && count.status === 'getoond';
  return make({
    soort: 'per1000',
    eenheid: 'per1000',
    status: shown ? 'getoond' : count.status === '<10' ? '<10' : 'n<20',
    value: shown ? Math.round(waarde * 10) / 10 : null,
    ciLaag: null,
    ciHoog: null,
    n: null,
  });
}

/** A euro total: shown, to whole euros, only when it covers at least 20 clients. */
export function publishAmount(raw: {
  waarde: number | null | undefined;
  clients: number | null | undefined;
}): Published {
  const waarde = finite(raw.waarde);
  const clients = finite(raw.clients);
  return gated(
    'bedrag',
    'euro',
    waarde === null ? null : Math.round(waarde),
    clients,
    {},
    publishCount(clients),
  );
}

/** Whether figures of a provider may be shown, given its number of clients in the gemeente. */
export function providerMayBeShown(clients: number | null | undefined): boolean {
  const n = finite(clients);
  return n !== null && n >= MIN_PROVIDER_CLIENTS;
}

/** How each indicator of marts.indicator_values is published (indicators.md §4). */
export const SOORT_PER_INDICATOR: Readonly<Record<string, { soort: Soort; eenheid: Eenheid }>> = {
  jeugdigen_met_jeugdhulp: { soort: 'aantal', eenheid: 'aantal' },
  jeugdigen_per_1000: { soort: 'per1000', eenheid: 'per1000' },
  trajecten_actief: { soort: 'aantal', eenheid: 'aantal' },
  trajecten_gestart: { soort: 'aantal', eenheid: 'aantal' },
  trajecten_beeindigd: { soort: 'aantal', eenheid: 'aantal' },
  uitval: { soort: 'aandeel', eenheid: 'fractie' },
  voortijdig: { soort: 'aandeel', eenheid: 'fractie' },
  volgens_plan: { soort: 'aandeel', eenheid: 'fractie' },
  doelrealisatie_volledig: { soort: 'aandeel', eenheid: 'fractie' },
  doelrealisatie_volledig_of_gedeeltelijk: { soort: 'aandeel', eenheid: 'fractie' },
  doelrealisatie_respons: { soort: 'aandeel', eenheid: 'fractie' },
  tevredenheid_gemiddeld: { soort: 'gemiddelde', eenheid: 'cijfer' },
  tevredenheid_7_of_hoger: { soort: 'aandeel', eenheid: 'fractie' },
  zonder_hulp_verder: { soort: 'aandeel', eenheid: 'fractie' },
  geen_nieuwe_start: { soort: 'aandeel', eenheid: 'fractie' },
  uithuisgeplaatst: { soort: 'aantal', eenheid: 'aantal' },
  uithuisgeplaatst_per_1000: { soort: 'per1000', eenheid: 'per1000' },
  uithuisgeplaatst_aandeel: { soort: 'aandeel', eenheid: 'fractie' },
  nieuwe_uithuisplaatsingen: { soort: 'aantal', eenheid: 'aantal' },
  kleinschalig_gezinsgericht: { soort: 'aandeel', eenheid: 'fractie' },
  verblijfsduur_km_mediaan: { soort: 'overleving', eenheid: 'dagen' },
  nog_in_verblijf_6m: { soort: 'overleving', eenheid: 'fractie' },
  nog_in_verblijf_12m: { soort: 'overleving', eenheid: 'fractie' },
  nog_in_verblijf_24m: { soort: 'overleving', eenheid: 'fractie' },
  verblijfsduur_beeindigd_gemiddeld: { soort: 'gemiddelde', eenheid: 'dagen' },
  verblijfsduur_beeindigd_mediaan: { soort: 'gemiddelde', eenheid: 'dagen' },
  ambulant_aandeel: { soort: 'aandeel', eenheid: 'fractie' },
  ambulant_verhouding: { soort: 'verhouding', eenheid: 'verhouding' },
  tijdigheid_mediaan_dagen: { soort: 'gemiddelde', eenheid: 'dagen' },
  tijdigheid_binnen_28_dagen: { soort: 'aandeel', eenheid: 'fractie' },
  herhaald_beroep: { soort: 'aandeel', eenheid: 'fractie' },
  kosten_gedeclareerd: { soort: 'bedrag', eenheid: 'euro' },
  kosten_per_jeugdige: { soort: 'gemiddelde', eenheid: 'euro' },
  budgetbenutting: { soort: 'aandeel', eenheid: 'fractie' },
  achttien_doorloop: { soort: 'aandeel', eenheid: 'fractie' },
  jeugdigen_justitieel: { soort: 'aantal', eenheid: 'aantal' },
};

/** For a rate per 1,000 or a euro total: the count indicator that gates it. */
export const GATING_COUNT: Readonly<Record<string, string>> = {
  jeugdigen_per_1000: 'jeugdigen_met_jeugdhulp',
  uithuisgeplaatst_per_1000: 'uithuisgeplaatst',
  kosten_gedeclareerd: 'jeugdigen_met_jeugdhulp',
};

/** One row of marts.indicator_values, unrounded, as the warehouse holds it. */
export interface IndicatorRow {
  gemeente: string;
  periode: string;
  indicator: string;
  dimensie: string;
  dimensie_waarde: string;
  teller: number | null;
  noemer: number | null;
  waarde: number | null;
  ci_laag: number | null;
  ci_hoog: number | null;
}

/**
 * Publishes one indicator row. `context.gatingCount` is the raw value of the `GATING_COUNT` indicator
 * for the same gemeente × periode × dimensie (needed for rates and euro totals without a noemer);
 * `context.providerClients` the provider's clients in the gemeente, for rows with dimensie `aanbieder`.
 * `context.atRisk` is the number still at risk at the time a Kaplan–Meier figure describes (at 6, 12 or
 * 24 months, or at the median); without it the cohort size (`noemer`) is used.
 * An unknown indicator id is suppressed rather than guessed. A row of a provider below 20 clients is
 * suppressed whatever its own numbers.
 */
export function publishIndicatorRow(
  row: IndicatorRow,
  context: { gatingCount?: number | null; providerClients?: number | null; atRisk?: number | null } = {},
): Published {
  const kind = SOORT_PER_INDICATOR[row.indicator];
  const providerHidden = row.dimensie === 'aanbieder' && !providerMayBeShown(context.providerClients);
  if (!kind || providerHidden) {
    return make({
      soort: kind?.soort ?? 'aandeel',
      eenheid: kind?.eenheid ?? 'fractie',
      status: 'n<20',
      value: null,
      ciLaag: null,
      ciHoog: null,
      n: null,
    });
  }
  const ci = { ciLaag: row.ci_laag, ciHoog: row.ci_hoog };
  switch (kind.soort) {
    case 'aantal':
      return publishCount(row.waarde);
    case 'aandeel':
      return publishShare({ teller: row.teller, noemer: row.noemer, waarde: row.waarde, ...ci });
    case 'gemiddelde':
      return publishMean(kind.eenheid as 'dagen' | 'cijfer' | 'euro', {
        waarde: row.waarde,
        n: row.noemer,
        ...ci,
      });
    case 'overleving':
      return publishSurvival(kind.eenheid as 'fractie' | 'dagen', {
        waarde: row.waarde,
        atRisk: context.atRisk === undefined ? row.noemer : context.atRisk,
        cohort: row.noemer,
        ...ci,
      });
    case 'per1000':
      return publishRate({
        waarde: row.waarde,
        count: context.gatingCount ?? row.teller,
        population: row.noemer,
      });
    case 'bedrag':
      return publishAmount({ waarde: row.waarde, clients: row.noemer ?? context.gatingCount });
    case 'verhouding':
      return publishRatio({ teller: row.teller, noemer: row.noemer, waarde: row.waarde });
  }
}
