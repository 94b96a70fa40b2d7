/**
 * The report's charts: Observable Plot rendered to inline SVG on the server (linkedom as the document),
 * each wrapped with a title, a one-line reading guide, a caption and the numbers behind it as a table.
 *
 * Charts take `Published` figures only, so a suppressed figure is a gap in a line or a labelled empty
 * bar, never a point. Series differ by line style, marker and a text label, not by colour alone.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { axisFormat, cijfer, displayText, intervalText, noemerCijfer } from './cijfers.js';
import type { Published } from './disclosure.js';
import { formatNumber, formatPeriode, formatPeriodeKort } from './format.js';
import { escapeHtml, type Html, html, trustedHtml } from './html.js';

const INK = '#1a1a1a';
const MAIN = '#1f4e79';
const COMPARE = '#595959';
const WIDTH = 680;
const FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';

// One document for every chart: Plot only creates detached elements in it, and parsing a new one per
// chart costs more than drawing the chart.
const { document } = parseHTML('<!doctype html><html><body></body></html>');

/** Renders Plot options to an SVG string with role="img", an aria-label and a <title>. */
function renderSvg(options: Plot.PlotOptions, label: string): Html {
  const element = Plot.plot({
    width: WIDTH,
    style: { fontSize: '12px', fontFamily: FONT, color: INK, background: 'white', overflow: 'visible' },
    ...options,
    document: document as unknown as NonNullable<Plot.PlotOptions['document']>,
  });
  const markup = element.outerHTML;
  const open = markup.indexOf('>');
  if (!markup.startsWith('<svg') || open < 0) throw new Error('Expected Plot to render an <svg>');
  const escaped = escapeHtml(label);
  return trustedHtml(
    `<svg role="img" aria-label="${escaped}" focusable="false"${markup.slice(4, open + 1)}<title>${escaped}</title>${markup.slice(open + 1)}`,
  );
}

export interface FigureText {
  id: string;
  title: string;
  /** One line in plain Dutch: how to read the chart. */
  leeswijzer: string;
  /** Definition and n. */
  caption: string;
}

function wrapFigure(text: FigureText, svg: Html | null, table: Html, emptyNote: string): Html {
  return html`<figure class="grafiek" id="${text.id}" aria-labelledby="${text.id}-titel">
<h3 id="${text.id}-titel">${text.title}</h3>
${text.leeswijzer ? html`<p class="leeswijzer">${text.leeswijzer}</p>` : ''}
${svg ? html`<div class="plot">${svg}</div>` : html`<p class="leeg">${emptyNote}</p>`}
<figcaption>${text.caption}</figcaption>
${table}
</figure>`;
}

export interface TrendPoint {
  periode: string;
  figure: Published;
  bron: string;
}

export interface TrendSeries {
  naam: string;
  points: TrendPoint[];
}

/**
 * A trend per half-year: the main series as a solid line with dots and its Wilson band, an optional
 * comparison (the region) as a dashed line; both labelled at their last shown point.
 */
/**
 * The half-year axis: each half-year labelled while they fit (about eight), else one label per year at
 * its first half-year, so ten years of data do not print twenty labels over each other.
 */
export function periodAxis(periodes: string[]): Plot.ScaleOptions {
  const axis: Plot.ScaleOptions = { type: 'point', domain: periodes, label: null, padding: 0.3 };
  if (periodes.length <= 8) return { ...axis, tickFormat: formatPeriodeKort };
  const yearStarts = periodes.filter((p, i) => i === 0 || p.slice(0, 4) !== periodes[i - 1]?.slice(0, 4));
  return { ...axis, ticks: yearStarts, tickFormat: (p: string) => p.slice(0, 4) };
}

export function renderTrend(text: FigureText, main: TrendSeries, compare?: TrendSeries): Html {
  const periodes = [...new Set([...main.points, ...(compare?.points ?? [])].map((p) => p.periode))].sort();
  const eenheid = main.points[0]?.figure.eenheid ?? 'aantal';
  const rows = (s: TrendSeries, role: 'main' | 'compare') =>
    s.points.map((p) => ({
      periode: p.periode,
      y: p.figure.value ?? Number.NaN,
      lo: p.figure.ciLaag ?? Number.NaN,
      hi: p.figure.ciHoog ?? Number.NaN,
      naam: s.naam,
      role,
    }));
  const mainRows = rows(main, 'main');
  const compareRows = compare ? rows(compare, 'compare') : [];
  const shown = [...mainRows, ...compareRows].filter((r) => Number.isFinite(r.y));
  const lastOf = (list: typeof mainRows) => list.filter((r) => Number.isFinite(r.y)).slice(-1);
  const hasBand = mainRows.some((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi));
  const maxY = Math.max(
    0,
    ...shown.map((r) => r.y),
    ...mainRows.filter((r) => Number.isFinite(r.hi)).map((r) => r.hi),
  );
  const svg =
    shown.length === 0
      ? null
      : renderSvg(
          {
            height: 260,
            marginLeft: 56,
            marginRight: 90,
            marginBottom: 36,
            x: periodAxis(periodes),
            y: {
              domain: [
                0,
                eenheid === 'fractie' ? Math.min(1, Math.max(0.1, maxY * 1.15)) : Math.max(10, maxY * 1.15),
              ],
              tickFormat: axisFormat(eenheid),
              label: null,
              grid: true,
              ticks: 5,
            },
            marks: [
              hasBand
                ? Plot.areaY(mainRows, { x: 'periode', y1: 'lo', y2: 'hi', fill: MAIN, fillOpacity: 0.15 })
                : null,
              Plot.ruleY([0], { stroke: INK }),
              compare
                ? Plot.lineY(compareRows, {
                    x: 'periode',
                    y: 'y',
                    stroke: COMPARE,
                    strokeWidth: 2,
                    strokeDasharray: '6,4',
                  })
                : null,
              compare
                ? Plot.dot(compareRows, {
                    x: 'periode',
                    y: 'y',
                    stroke: COMPARE,
                    fill: 'white',
                    r: 3.5,
                    symbol: 'square',
                  })
                : null,
              Plot.lineY(mainRows, { x: 'periode', y: 'y', stroke: MAIN, strokeWidth: 2.5 }),
              Plot.dot(mainRows, { x: 'periode', y: 'y', fill: MAIN, r: 4 }),
              Plot.text(lastOf(mainRows), {
                x: 'periode',
                y: 'y',
                text: 'naam',
                dx: 10,
                textAnchor: 'start',
                fill: INK,
                fontWeight: 'bold',
              }),
              Plot.text(lastOf(compareRows), {
                x: 'periode',
                y: 'y',
                text: 'naam',
                dx: 10,
                dy: 12,
                textAnchor: 'start',
                fill: INK,
              }),
            ],
          },
          `${text.title}: lijn per halfjaar voor ${main.naam}${compare ? ` en ter vergelijking ${compare.naam}` : ''}.`,
        );
  const comparePoints = new Map(compare?.points.map((p) => [p.periode, p]) ?? []);
  const mainPoints = new Map(main.points.map((p) => [p.periode, p]));
  const withInterval = main.points.some((p) => intervalText(p.figure) !== '' || p.figure.n !== null);
  const table = html`<table class="cijfers">
<caption>Cijfers bij: ${text.title}</caption>
<thead><tr><th scope="col">Periode</th><th scope="col">${main.naam}</th>${
    withInterval ? html`<th scope="col">95%-interval</th><th scope="col">n</th>` : ''
  }${compare ? html`<th scope="col">${compare.naam}</th>` : ''}</tr></thead>
<tbody>${periodes.map((periode) => {
    const m = mainPoints.get(periode);
    const c = comparePoints.get(periode);
    return html`<tr><th scope="row">${formatPeriode(periode)}</th><td>${m ? cijfer(m.figure, m.bron) : '–'}</td>${
      withInterval
        ? html`<td>${m ? intervalText(m.figure) : ''}</td><td>${m ? noemerCijfer(m.figure, m.bron) : '–'}</td>`
        : ''
    }${compare ? html`<td>${c ? cijfer(c.figure, c.bron) : '–'}</td>` : ''}</tr>`;
  })}</tbody>
</table>`;
  return wrapFigure(
    text,
    svg,
    table,
    'Voor deze periodes zijn geen cijfers te tonen (te kleine aantallen of geen gegevens).',
  );
}

export interface FunnelLimitLine {
  noemer: number;
  regioWaarde: number;
  p95Laag: number;
  p95Hoog: number;
  p998Laag: number;
  p998Hoog: number;
}

export interface FunnelDot {
  naam: string;
  figure: Published;
  bron: string;
  positie: string | null;
}

const positieTekst: Record<string, string> = {
  binnen: 'binnen de grenzen',
  boven: 'boven de 95%-grens',
  onder: 'onder de 95%-grens',
};

/** A funnel plot: each gemeente's share against its (rounded) denominator, with the regional limits. */
export function renderFunnel(
  text: FigureText,
  limits: FunnelLimitLine[],
  dots: FunnelDot[],
  highlight: string | null,
): Html {
  const points = dots
    .filter((d) => d.figure.value !== null && d.figure.n?.value)
    .map((d) => ({
      naam: d.naam,
      x: d.figure.n!.value!,
      y: d.figure.value!,
      eigen: d.naam === highlight,
      positie: d.positie,
    }));
  const lines = limits.flatMap((l) => [
    { x: l.noemer, y: l.regioWaarde, soort: 'regio' },
    { x: l.noemer, y: l.p95Laag, soort: 'p95l' },
    { x: l.noemer, y: l.p95Hoog, soort: 'p95h' },
    { x: l.noemer, y: l.p998Laag, soort: 'p998l' },
    { x: l.noemer, y: l.p998Hoog, soort: 'p998h' },
  ]);
  const dash: Record<string, string> = {
    regio: 'none',
    p95l: '6,4',
    p95h: '6,4',
    p998l: '2,3',
    p998h: '2,3',
  };
  const maxX = Math.max(20, ...points.map((p) => p.x), ...limits.map((l) => l.noemer));
  const ys = [...points.map((p) => p.y), ...limits.flatMap((l) => [l.p998Laag, l.p998Hoog])].filter(
    Number.isFinite,
  );
  const labelled = points.filter((p) => p.eigen || (p.positie !== null && p.positie !== 'binnen'));
  const svg =
    points.length === 0
      ? null
      : renderSvg(
          {
            height: 300,
            marginLeft: 56,
            marginRight: 30,
            marginBottom: 40,
            x: {
              domain: [0, maxX * 1.05],
              tickFormat: (v: number) => formatNumber(v),
              label: 'aantal (noemer) →',
              labelAnchor: 'right',
            },
            y: {
              domain: [Math.max(0, Math.min(...ys) - 0.05), Math.min(1, Math.max(...ys) + 0.05)],
              tickFormat: axisFormat('fractie'),
              label: null,
              grid: true,
            },
            marks: [
              ...Object.keys(dash).map((soort) =>
                Plot.lineY(
                  lines.filter((l) => l.soort === soort && Number.isFinite(l.y)),
                  {
                    x: 'x',
                    y: 'y',
                    stroke: soort === 'regio' ? INK : COMPARE,
                    strokeWidth: soort === 'regio' ? 1.5 : 1.2,
                    strokeDasharray: dash[soort],
                    clip: true,
                  },
                ),
              ),
              Plot.dot(
                points.filter((p) => !p.eigen),
                { x: 'x', y: 'y', r: 4.5, fill: 'white', stroke: MAIN, strokeWidth: 1.5 },
              ),
              Plot.dot(
                points.filter((p) => p.eigen),
                { x: 'x', y: 'y', r: 7, symbol: 'diamond', fill: INK },
              ),
              Plot.text(labelled, { x: 'x', y: 'y', text: 'naam', dy: -12, fill: INK, fontWeight: 'bold' }),
            ],
          },
          `${text.title}: trechterdiagram van de gemeenten${highlight ? `, ${highlight} gemarkeerd met een ruit` : ''}.`,
        );
  const table = html`<table class="cijfers">
<caption>Cijfers bij: ${text.title}</caption>
<thead><tr><th scope="col">Gemeente</th><th scope="col">Waarde</th><th scope="col">n</th><th scope="col">Ligging</th></tr></thead>
<tbody>${dots.map(
    (d) =>
      html`<tr${d.naam === highlight ? html` class="eigen"` : ''}><th scope="row">${d.naam}</th><td>${cijfer(d.figure, d.bron)}</td><td>${noemerCijfer(d.figure, d.bron)}</td><td>${
        d.positie ? (positieTekst[d.positie] ?? d.positie) : '–'
      }</td></tr>`,
  )}</tbody>
</table>`;
  return wrapFigure(
    text,
    svg,
    table,
    'Geen gemeente heeft genoeg trajecten om in dit trechterdiagram te tonen.',
  );
}

export interface SurvivalCurve {
  cohort: string;
  points: { dag: number; figure: Published }[];
}

const cohortDash = ['none', '8,4', '3,3', '12,4,3,4', '1,4', '6,2'];
const DAYS_PER_MONTH = 365.25 / 12;

/**
 * Kaplan–Meier curves by start cohort: the share still in verblijf against months since the start,
 * drawn as steps up to where fewer than 20 remain at risk. Cohorts differ by dash and an end label.
 */
export function renderSurvival(text: FigureText, curves: SurvivalCurve[], table: Html): Html {
  const data = curves.flatMap((c, i) => {
    const shown = c.points.filter((p) => p.figure.value !== null);
    return shown.map((p) => ({
      cohort: c.cohort,
      maand: p.dag / DAYS_PER_MONTH,
      y: p.figure.value!,
      dash: cohortDash[i % cohortDash.length]!,
    }));
  });
  const cohorts = [...new Set(data.map((d) => d.cohort))];
  const ends = cohorts.map((c) => data.filter((d) => d.cohort === c).slice(-1)[0]!);
  const maxMaand = Math.max(12, ...data.map((d) => d.maand));
  const svg =
    data.length === 0
      ? null
      : renderSvg(
          {
            height: 280,
            marginLeft: 56,
            marginRight: 60,
            marginBottom: 40,
            x: {
              domain: [0, Math.ceil(maxMaand / 6) * 6],
              ticks: Math.min(12, Math.ceil(maxMaand / 6)),
              tickFormat: (v: number) => formatNumber(v),
              label: 'maanden sinds de start van het verblijf →',
              labelAnchor: 'right',
            },
            y: { domain: [0, 1], tickFormat: axisFormat('fractie'), label: null, grid: true },
            marks: [
              Plot.ruleY([0.5], { stroke: COMPARE, strokeDasharray: '2,2' }),
              ...cohorts.map((c) => {
                const rows = data.filter((d) => d.cohort === c);
                return Plot.line(rows, {
                  x: 'maand',
                  y: 'y',
                  curve: 'step-after',
                  stroke: MAIN,
                  strokeWidth: 2,
                  strokeDasharray: rows[0]?.dash,
                });
              }),
              Plot.text(ends, {
                x: 'maand',
                y: 'y',
                text: (d: { cohort: string }) => `start ${d.cohort}`,
                dx: 6,
                textAnchor: 'start',
                fill: INK,
              }),
            ],
          },
          `${text.title}: aandeel nog in verblijf per maand sinds de start, één lijn per startjaar (${cohorts.join(', ')}).`,
        );
  return wrapFigure(
    text,
    svg,
    table,
    'Geen startjaar heeft genoeg verblijven (minstens 20) om een curve te tonen.',
  );
}

export interface Bar {
  label: string;
  figure: Published;
  bron: string;
}

/** Horizontal bars with their value written at the end; a suppressed bar shows `<10` or `n<20` instead. */
export function renderBars(text: FigureText, bars: Bar[], table: Html): Html {
  const eenheid = bars[0]?.figure.eenheid ?? 'aantal';
  const rows = bars.map((b) => ({ label: b.label, x: b.figure.value ?? 0, tekst: displayText(b.figure) }));
  // Counts get whole-number ticks even when every bar is suppressed or small.
  const maxX = Math.max(eenheid === 'aantal' ? 10 : 1, ...rows.map((r) => r.x));
  const svg = bars.every((b) => b.figure.value === null)
    ? null
    : renderSvg(
        {
          height: 40 + rows.length * 34,
          marginLeft: 190,
          marginRight: 90,
          marginBottom: 30,
          x: { domain: [0, maxX * 1.05], tickFormat: axisFormat(eenheid), label: null, grid: true, ticks: 4 },
          y: { domain: rows.map((r) => r.label), label: null, padding: 0.25 },
          marks: [
            Plot.barX(rows, { y: 'label', x: 'x', fill: MAIN }),
            Plot.ruleX([0], { stroke: INK }),
            Plot.text(rows, { y: 'label', x: 'x', text: 'tekst', dx: 6, textAnchor: 'start', fill: INK }),
          ],
        },
        `${text.title}: staafdiagram, ${rows.map((r) => `${r.label} ${r.tekst}`).join('; ')}.`,
      );
  return wrapFigure(text, svg, table, 'Geen cijfers te tonen (te kleine aantallen of geen gegevens).');
}
