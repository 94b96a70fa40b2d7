/**
 * The sections of a report, for one gemeente or the region: key figures, uithuisplaatsingen, hulp thuis,
 * resultaten, kosten. Everything shown comes from `queries.ts` as published figures.
 */
import { hulpvormNamen, textOf } from './catalog.js';
import {
  type Bar,
  type FigureText,
  renderBars,
  renderFunnel,
  renderSurvival,
  renderTrend,
  type TrendSeries,
} from './charts.js';
import { cijfer, displayText, intervalText, noemerCijfer } from './cijfers.js';
import { formatDate, formatPeriode } from './format.js';
import { type Html, html } from './html.js';
import type { Available, Curve, Funnel, GemeenteNaam, IndicatorSet } from './queries.js';

export interface Scope {
  code: string;
  naam: string;
  isRegion: boolean;
}

export interface ReportData {
  scope: Scope;
  region: Scope;
  gemeenten: GemeenteNaam[];
  indicators: Available<IndicatorSet>;
  /** Kaplan–Meier curves by gemeente (and region). */
  curves: Available<ReadonlyMap<string, Curve[]>>;
  /** Funnels for `referentiejaar`, by indicator. */
  funnels: ReadonlyMap<string, Available<Funnel>>;
  /** The year the key figures and funnels describe. */
  referentiejaar: string | null;
  peildatum: string | null;
}

export const FUNNEL_INDICATORS = [
  'uithuisgeplaatst_aandeel',
  'uitval',
  'doelrealisatie_volledig_of_gedeeltelijk',
] as const;

export function bronKey(
  gemeente: string,
  periode: string,
  indicator: string,
  dimensie = 'totaal',
  waarde = 'totaal',
): string {
  return `iv|${gemeente}|${periode}|${indicator}|${dimensie}|${waarde}`;
}

function notAvailable(reason: string): Html {
  return html`<p class="melding">${reason}</p>`;
}

/** Half-years present in the data, in order. */
export function halfjaren(set: IndicatorSet): string[] {
  return set.periodes.filter((p) => /^\d{4}-H[12]$/.test(p));
}

export function jaren(set: IndicatorSet): string[] {
  return set.periodes.filter((p) => /^\d{4}$/.test(p));
}

/** One value of a dimension other than totaal: the informant of a satisfaction figure, say. */
interface Uitsplitsing {
  dimensie: string;
  waarde: string;
  /** Appended to the title, e.g. `ouders`. */
  label: string;
}

function series(set: IndicatorSet, scope: Scope, indicator: string, by?: Uitsplitsing): TrendSeries {
  const dim = by ? ([by.dimensie, by.waarde] as const) : (['totaal', 'totaal'] as const);
  return {
    naam: scope.naam,
    points: halfjaren(set).flatMap((periode) => {
      const f = set.get(scope.code, periode, indicator, ...dim);
      return f ? [{ periode, figure: f.figure, bron: bronKey(scope.code, periode, indicator, ...dim) }] : [];
    }),
  };
}

function trendText(
  indicator: string,
  scopeSlug: string,
  countIndicator: boolean,
  extra = '',
  by?: Uitsplitsing,
): FigureText {
  const t = textOf(indicator);
  return {
    id: by ? `${scopeSlug}-${indicator}-${by.waarde}` : `${scopeSlug}-${indicator}`,
    title: by ? `${t.label}: ${by.label}` : t.label,
    leeswijzer: t.leeswijzer,
    caption: `${t.definitie}${extra} Per halfjaar${
      countIndicator ? '; afgerond op 5' : '; n is het aantal waarop het cijfer berust, afgerond op 5'
    }.`,
  };
}

function trend(data: ReportData, set: IndicatorSet, indicator: string, by?: Uitsplitsing): Html {
  const main = series(set, data.scope, indicator, by);
  const isShare = main.points[0]?.figure.soort === 'aandeel';
  const compare = !data.scope.isRegion && isShare ? series(set, data.region, indicator, by) : undefined;
  return renderTrend(
    trendText(indicator, data.scope.code, main.points[0]?.figure.soort === 'aantal', '', by),
    main,
    compare,
  );
}

/** Satisfaction is measured per informant (indicators.md #5), never as one total. */
const INFORMANTEN: Uitsplitsing[] = [
  { dimensie: 'informant', waarde: 'J', label: 'jeugdigen' },
  { dimensie: 'informant', waarde: 'O', label: 'ouders' },
];

function funnel(data: ReportData, indicator: string): Html {
  const available = data.funnels.get(indicator);
  const t = textOf(indicator);
  const title = `${t.label}: gemeenten vergeleken (${data.referentiejaar ?? '–'})`;
  if (!available) return html`<h3>${title}</h3>${notAvailable('Geen trechterdiagram beschikbaar.')}`;
  if (!available.ok) return html`<h3>${title}</h3>${notAvailable(available.reason)}`;
  const naam = new Map(data.gemeenten.map((g) => [g.code, g.naam]));
  const dots = available.value.points.map((p) => ({
    naam: naam.get(p.gemeente) ?? p.gemeente,
    figure: p.figure,
    bron: `fp|${indicator}|${data.referentiejaar}|${p.gemeente}`,
    positie: p.positie,
  }));
  dots.sort((a, b) => a.naam.localeCompare(b.naam, 'nl'));
  return renderFunnel(
    {
      id: `${data.scope.code}-trechter-${indicator}`,
      title,
      leeswijzer:
        'Elke stip is een gemeente. Stippen tussen de stippellijnen wijken niet meer af van het regiogemiddelde (doorgetrokken lijn) dan toeval kan verklaren.',
      caption: `${t.definitie} Horizontaal het aantal (afgerond op 5), verticaal het aandeel. Grenzen: 95% (streepjes) en 99,8% (puntjes) rond het regiogemiddelde. Gemeenten met minder dan 20 staan er niet in.`,
    },
    available.value.limits,
    dots,
    data.scope.isRegion ? null : data.scope.naam,
  );
}

/** One row of the key-figures table: the figure of the scope and of the region. */
function kerncijferRow(
  data: ReportData,
  set: IndicatorSet,
  indicator: string,
  label: string,
  periode: string,
): Html {
  const own = set.get(data.scope.code, periode, indicator);
  const region = data.scope.isRegion ? undefined : set.get(data.region.code, periode, indicator);
  return html`<tr><th scope="row">${label}</th><td>${own ? cijfer(own.figure, bronKey(data.scope.code, periode, indicator)) : '–'}</td>${
    data.scope.isRegion
      ? ''
      : html`<td>${region ? cijfer(region.figure, bronKey(data.region.code, periode, indicator)) : '–'}</td>`
  }</tr>`;
}

function spoken(text: string): string {
  return text === '<10' ? 'minder dan 10' : text === 'n<20' ? 'te weinig om te tonen' : `ongeveer ${text}`;
}

export function renderKerncijfers(data: ReportData): Html {
  if (!data.indicators.ok) return notAvailable(data.indicators.reason);
  const set = data.indicators.value;
  const jaar = data.referentiejaar;
  if (!jaar) return notAvailable('Er zijn nog geen jaarcijfers berekend.');
  const vorig = String(Number(jaar) - 1);
  const uhp = set.get(data.scope.code, jaar, 'uithuisgeplaatst');
  const uhpVorig = set.get(data.scope.code, vorig, 'uithuisgeplaatst');
  const rows: [string, string][] = [
    ['jeugdigen_met_jeugdhulp', 'Jeugdigen met jeugdhulp'],
    ['jeugdigen_per_1000', 'Jeugdigen met jeugdhulp per 1.000 jongeren (0–22 jaar)'],
    ['uithuisgeplaatst', 'Jeugdigen met een uithuisplaatsing'],
    ['uithuisgeplaatst_per_1000', 'Uithuisgeplaatst per 1.000 jongeren (0–22 jaar)'],
    ['nieuwe_uithuisplaatsingen', 'Nieuwe uithuisplaatsingen'],
    ['kleinschalig_gezinsgericht', 'Van de uithuisgeplaatsten: in een gezin of gezinshuis'],
    ['ambulant_aandeel', 'Jeugdigen met hulp zonder verblijf'],
    ['ambulant_verhouding', 'Gestarte trajecten zonder verblijf per traject met verblijf'],
    ['uitval', 'Uitval (voortijdig gestopt)'],
    ['doelrealisatie_volledig_of_gedeeltelijk', 'Doelen volledig of deels behaald'],
    ['tijdigheid_mediaan_dagen', 'Mediane wachttijd tot de start van de hulp'],
    ['kosten_per_jeugdige', 'Gedeclareerde kosten per jeugdige'],
    ['jeugdigen_justitieel', 'Jeugdigen met jeugdbescherming of jeugdreclassering (geen jeugdhulp)'],
  ];
  return html`<div class="ambitie"><p><strong>Ambitie van de regio: 0 uithuisplaatsingen.</strong> Elk kind verdient een thuis. Jeugdhulp is zo licht en kort als mogelijk en zo zwaar en lang als nodig; als thuis wonen niet kan, dan liefst in een gezin of gezinshuis.</p>
${
  uhp
    ? html`<p>In ${jaar} ${uhp.figure.value === 0 ? 'was' : 'waren'} in ${data.scope.naam} ${spoken(displayText(uhp.figure))} jeugdigen uit huis geplaatst${
        uhpVorig ? html` (${vorig}: ${spoken(displayText(uhpVorig.figure))})` : ''
      }.</p>`
    : ''
}</div>
<table class="cijfers kerncijfers">
<caption>Kerncijfers ${jaar}</caption>
<thead><tr><th scope="col">Indicator</th><th scope="col">${data.scope.naam}</th>${data.scope.isRegion ? '' : html`<th scope="col">${data.region.naam}</th>`}</tr></thead>
<tbody>${rows.map(([indicator, label]) => kerncijferRow(data, set, indicator, label, jaar))}</tbody>
</table>
<p>Aantallen zijn afgerond op 5; “&lt;10” betekent 1 tot 9, “n&lt;20” dat het cijfer op minder dan 20 jeugdigen of trajecten berust en daarom niet getoond wordt.${
    data.peildatum && Number(data.peildatum.slice(0, 4)) <= Number(jaar)
      ? ' Het jaar loopt tot de peildatum en is dus nog niet compleet.'
      : ''
  }</p>`;
}

function mixBars(data: ReportData, set: IndicatorSet): Html {
  const jaar = data.referentiejaar;
  const types = ['11', '12', '13', '14'];
  const years = jaren(set)
    .filter((j) => !jaar || j <= jaar)
    .slice(-3);
  const title = `Uithuisplaatsingen naar soort verblijf (${jaar ?? '–'})`;
  const bars: Bar[] = jaar
    ? types.flatMap((t) => {
        const f = set.get(data.scope.code, jaar, 'uithuisgeplaatst', 'verblijfstype', t);
        return f
          ? [
              {
                label: hulpvormNamen[t] ?? t,
                figure: f.figure,
                bron: bronKey(data.scope.code, jaar, 'uithuisgeplaatst', 'verblijfstype', t),
              },
            ]
          : [];
      })
    : [];
  const table = html`<table class="cijfers">
<caption>Cijfers bij: ${title}</caption>
<thead><tr><th scope="col">Soort verblijf</th>${years.map((y) => html`<th scope="col">${y}</th>`)}</tr></thead>
<tbody>${types.map(
    (t) =>
      html`<tr><th scope="row">${hulpvormNamen[t] ?? t}</th>${years.map((y) => {
        const f = set.get(data.scope.code, y, 'uithuisgeplaatst', 'verblijfstype', t);
        return html`<td>${f ? cijfer(f.figure, bronKey(data.scope.code, y, 'uithuisgeplaatst', 'verblijfstype', t)) : '–'}</td>`;
      })}</tr>`,
  )}</tbody>
</table>`;
  return renderBars(
    {
      id: `${data.scope.code}-mix`,
      title,
      leeswijzer:
        'Pleegzorg en gezinsgericht verblijf zijn de vormen die het meest op thuis lijken; de regio wil dat hun aandeel groeit.',
      caption:
        'Aantal verschillende jeugdigen met een lopend verblijf van deze soort in het jaar, afgerond op 5. Een jeugdige die in het jaar in twee soorten verbleef, telt bij beide.',
    },
    bars,
    table,
  );
}

const KM_ROWS = [
  'verblijfsduur_km_mediaan',
  'nog_in_verblijf_6m',
  'nog_in_verblijf_12m',
  'nog_in_verblijf_24m',
];

function survival(data: ReportData, set: IndicatorSet | null): Html {
  const title = 'Hoe lang duurt een uithuisplaatsing?';
  if (!data.curves.ok) return html`<h3>${title}</h3>${notAvailable(data.curves.reason)}`;
  const curves = data.curves.value.get(data.scope.code) ?? [];
  const code = data.scope.code;
  const cell = (cohort: string, indicator: string) => {
    const f = set?.get(code, cohort, indicator);
    return f ? cijfer(f.figure, bronKey(code, cohort, indicator)) : html`–`;
  };
  const table = html`<table class="cijfers">
<caption>Cijfers bij: ${title}</caption>
<thead><tr><th scope="col">Startjaar</th><th scope="col">Verblijven</th><th scope="col">Nog in verblijf na 6 mnd</th><th scope="col">na 12 mnd</th><th scope="col">na 24 mnd</th><th scope="col">Mediane duur</th><th scope="col">95%-interval</th></tr></thead>
<tbody>${curves.map((c) => {
    const med = set?.get(code, c.cohort, 'verblijfsduur_km_mediaan');
    // The cohort size is the noemer of every KM row: take it from one that is shown (a cohort whose S
    // never reaches 0.5 has no median; one with few left at the median has it suppressed).
    const basisId =
      KM_ROWS.find((id) => (set?.get(code, c.cohort, id)?.figure.value ?? null) !== null) ??
      'verblijfsduur_km_mediaan';
    const basis = set?.get(code, c.cohort, basisId);
    return html`<tr><th scope="row">${c.cohort}</th><td>${basis ? noemerCijfer(basis.figure, bronKey(code, c.cohort, basisId)) : '–'}</td><td>${cell(c.cohort, 'nog_in_verblijf_6m')}</td><td>${cell(c.cohort, 'nog_in_verblijf_12m')}</td><td>${cell(c.cohort, 'nog_in_verblijf_24m')}</td><td>${
      med ? cijfer(med.figure, bronKey(code, c.cohort, 'verblijfsduur_km_mediaan')) : '–'
    }</td><td>${med ? intervalText(med.figure) : ''}</td></tr>`;
  })}</tbody>
</table>`;
  return renderSurvival(
    {
      id: `${code}-verblijfsduur`,
      title,
      leeswijzer:
        'Elke lijn is een startjaar. Hoe sneller een lijn daalt, hoe eerder jeugdigen weer thuis (of zelfstandig) wonen; waar een lijn de stippellijn van 50% kruist, ligt de mediane duur.',
      caption: `${textOf('verblijfsduur_km_mediaan').definitie} Een lijn stopt waar minder dan 20 jeugdigen nog in verblijf waren.`,
    },
    curves.map((c) => ({
      cohort: c.cohort,
      points: c.points.map((p) => ({ dag: p.dag, figure: p.overleving })),
    })),
    table,
  );
}

function costs(data: ReportData, set: IndicatorSet): Html {
  const jaar = data.referentiejaar;
  const title = `Gedeclareerde kosten per hulpvorm (${jaar ?? '–'})`;
  const code = data.scope.code;
  const vormen = set
    .dimensieWaarden(code, 'kosten_gedeclareerd', 'hulpvorm')
    .filter((v) => !jaar || set.get(code, jaar, 'kosten_gedeclareerd', 'hulpvorm', v));
  const bars: Bar[] = jaar
    ? vormen.map((v) => ({
        label: hulpvormNamen[v] ?? v,
        figure: set.get(code, jaar, 'kosten_gedeclareerd', 'hulpvorm', v)!.figure,
        bron: bronKey(code, jaar, 'kosten_gedeclareerd', 'hulpvorm', v),
      }))
    : [];
  const totaal = jaar ? set.get(code, jaar, 'kosten_gedeclareerd') : undefined;
  const perJeugdige = jaar ? set.get(code, jaar, 'kosten_per_jeugdige') : undefined;
  const table = html`<table class="cijfers">
<caption>Cijfers bij: ${title}</caption>
<thead><tr><th scope="col">Hulpvorm</th><th scope="col">Gedeclareerd</th></tr></thead>
<tbody>${bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${cijfer(b.figure, b.bron)}</td></tr>`)}${
    totaal && jaar
      ? html`<tr><th scope="row">Totaal</th><td>${cijfer(totaal.figure, bronKey(code, jaar, 'kosten_gedeclareerd'))}</td></tr>`
      : ''
  }${
    perJeugdige && jaar
      ? html`<tr><th scope="row">Per jeugdige met jeugdhulp</th><td>${cijfer(perJeugdige.figure, bronKey(code, jaar, 'kosten_per_jeugdige'))}</td></tr>`
      : ''
  }</tbody>
</table>`;
  return renderBars(
    {
      id: `${code}-kosten`,
      title,
      leeswijzer: textOf('kosten_gedeclareerd').leeswijzer,
      caption: `${textOf('kosten_gedeclareerd').definitie} Een bedrag staat er alleen als het om minstens 20 jeugdigen gaat.`,
    },
    bars,
    table,
  );
}

export interface Chapter {
  id: string;
  title: string;
  body: Html;
}

/** The content chapters, in reading order. */
export function renderChapters(data: ReportData): Chapter[] {
  if (!data.indicators.ok) {
    const body = notAvailable(data.indicators.reason);
    return [{ id: 'cijfers', title: 'Cijfers', body }];
  }
  const set = data.indicators.value;
  const t = (indicator: string) => trend(data, set, indicator);
  return [
    {
      id: 'uithuisplaatsingen',
      title: 'Uithuisplaatsingen: minder en korter',
      body: html`<p>De regio streeft naar 0 uithuisplaatsingen. Deze cijfers laten zien hoeveel jeugdigen uit huis wonen, waar zij wonen en hoe lang.</p>
${t('uithuisgeplaatst')}${t('nieuwe_uithuisplaatsingen')}${t('uithuisgeplaatst_aandeel')}${mixBars(data, set)}${t('kleinschalig_gezinsgericht')}${survival(data, set)}${funnel(data, 'uithuisgeplaatst_aandeel')}`,
    },
    {
      id: 'thuis',
      title: 'Hulp thuis en dichtbij',
      body: html`<p>Meer hulp in het gezin, op school en in de buurt; zo licht als kan en op tijd.</p>
${t('jeugdigen_met_jeugdhulp')}${t('ambulant_aandeel')}${t('tijdigheid_binnen_28_dagen')}`,
    },
    {
      id: 'resultaten',
      title: 'Resultaten van de hulp',
      body: html`<p>Wat leverde de hulp op? Cijfers over trajecten die in de periode zijn afgesloten.</p>
${t('uitval')}${funnel(data, 'uitval')}${t('doelrealisatie_volledig_of_gedeeltelijk')}${funnel(data, 'doelrealisatie_volledig_of_gedeeltelijk')}${INFORMANTEN.map((by) => trend(data, set, 'tevredenheid_7_of_hoger', by))}${t('geen_nieuwe_start')}${t('herhaald_beroep')}`,
    },
    {
      id: 'kosten',
      title: 'Kosten',
      body: costs(data, set),
    },
  ];
}

/** A sentence on what the peildatum means for the figures. */
export function peildatumText(peildatum: string | null): string {
  if (!peildatum) return 'De peildatum is onbekend: het warehouse bevat nog geen berekende cijfers.';
  return `De gegevens lopen tot en met ${formatDate(peildatum)} (de peildatum). Trajecten en verblijven die toen nog liepen, tellen als lopend; hun duur is op de peildatum afgekapt. Het laatste halfjaar (${formatPeriode(
    `${peildatum.slice(0, 4)}-H${Number(peildatum.slice(5, 7)) <= 6 ? 1 : 2}`,
  )}) is daardoor nog onvolledig, en uitkomsten van trajecten die kort voor de peildatum eindigden kunnen nog binnenkomen.`;
}
