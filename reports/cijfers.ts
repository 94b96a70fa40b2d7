/**
 * How a published figure reads: its Dutch text (`1.235`, `12,5%`, `<10`, `n<20`) and its HTML, marked
 * with the mart row it came from (`data-bron`) so tests can check every shown figure against the rule.
 */
import type { Published } from './disclosure.js';
import { formatDagen, formatEuro, formatNumber, formatPercent } from './format.js';
import { type Html, html } from './html.js';

function formatValue(p: Published, value: number): string {
  switch (p.eenheid) {
    case 'aantal':
      return formatNumber(value);
    case 'fractie':
      return formatPercent(value);
    case 'dagen':
      return formatDagen(value);
    case 'cijfer':
      return formatNumber(value, 1);
    case 'euro':
      return formatEuro(value);
    case 'per1000':
    case 'verhouding':
      return formatNumber(value, 1);
  }
}

/** The figure as text: the formatted value, or `<10` / `n<20` when the rule suppresses it. */
export function displayText(p: Published): string {
  if (p.value === null) return p.status === '<10' ? '<10' : 'n<20';
  return formatValue(p, p.value);
}

/** The 95% interval as text (`10,2%–14,8%`), or empty when there is none to show. */
export function intervalText(p: Published): string {
  if (p.value === null || p.ciLaag === null || p.ciHoog === null) return '';
  return `${formatValue(p, p.ciLaag)}–${formatValue(p, p.ciHoog)}`;
}

/** Formats a plain number in a unit, for chart axes (already published values only). */
export function axisFormat(eenheid: Published['eenheid']): (value: number) => string {
  switch (eenheid) {
    case 'fractie':
      return (v) => formatPercent(v, 0);
    case 'euro':
      return (v) => formatEuro(v);
    case 'cijfer':
    case 'per1000':
    case 'verhouding':
      return (v) => formatNumber(v, Number.isInteger(v) ? 0 : 1);
    default:
      return (v) => formatNumber(v);
  }
}

const statusTitle: Record<string, string> = {
  '<10': 'Minder dan 10: niet getoond om herkenbaarheid te voorkomen',
  'n<20': 'Niet getoond: gebaseerd op minder dan 20 jeugdigen of trajecten',
};

/** The figure as HTML, with its source key for checking and a tooltip on suppressed values. */
export function cijfer(p: Published, bron: string): Html {
  const title = statusTitle[p.status];
  return html`<span class="cijfer${p.value === null ? ' onderdrukt' : ''}" data-soort="${p.soort}" data-bron="${bron}"${
    title ? html` title="${title}"` : ''
  }>${displayText(p)}</span>`;
}

/**
 * The denominator of a figure as HTML (rounded like every count), or a dash. Left out when the figure
 * itself is suppressed: "n<20" beside an n of 20 (a rounded 18) would only confuse.
 */
export function noemerCijfer(p: Published, bron: string): Html {
  return p.n && p.value !== null ? cijfer(p.n, `${bron}|n`) : html`–`;
}
