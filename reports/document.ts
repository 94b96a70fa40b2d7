/**
 * The page around the content: head with the inline style sheet, the title band, the contents list,
 * the colophon, and the index page that links every report. No scripts, no external resources.
 */
import { DEFINITIES_VERSIE } from './catalog.js';
import { formatDate, formatDateTime } from './format.js';
import { type Html, html, trustedHtml } from './html.js';
import type { Chapter } from './sections.js';
import { reportCss } from './styles.js';

export interface Colophon {
  runId: string | null;
  peildatum: string | null;
  generatedAt: Date;
  sqlVersie: string;
}

function page(title: string, body: Html): string {
  return `<!doctype html>\n${html`<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${trustedHtml(reportCss)}</style>
</head>
<body>
${body}
</body>
</html>`}\n`;
}

export function renderColophon(c: Colophon): Html {
  return html`<dl class="colofon">
<dt>Run</dt><dd>${c.runId ?? 'onbekend'}</dd>
<dt>Gegevens tot en met</dt><dd>${c.peildatum ? formatDate(c.peildatum) : 'onbekend'}</dd>
<dt>Gemaakt op</dt><dd>${formatDateTime(c.generatedAt)}</dd>
<dt>Definities</dt><dd>${DEFINITIES_VERSIE}</dd>
<dt>Versie SQL-modellen</dt><dd>${c.sqlVersie}</dd>
</dl>`;
}

const verantwoording = html`<p>Alle cijfers in dit rapport volgen één publicatieregel om te voorkomen dat jeugdigen herkenbaar worden:</p>
<ul>
<li>aantallen jeugdigen en trajecten zijn afgerond op 5; een aantal van 1 tot 9 staat er als “&lt;10” en telt nergens verder mee; 0 blijft 0;</li>
<li>een percentage, gemiddelde, mediaan of verblijfsduur staat er alleen als het op minstens 20 jeugdigen, trajecten of metingen berust; anders staat er “n&lt;20”;</li>
<li>percentages zijn berekend op de niet-afgeronde aantallen; daardoor kunnen ze iets afwijken van een deling van de getoonde aantallen;</li>
<li>de regio is apart afgerond: de regio min de andere gemeenten geeft dus geen verborgen cijfer prijs, en de gemeenten tellen niet precies op tot de regio;</li>
<li>cijfers per aanbieder alleen voor aanbieders met minstens 20 jeugdigen in de gemeente.</li>
</ul>
<p>Bij percentages hoort een 95%-betrouwbaarheidsinterval (Wilson): de band in de grafieken. Hoe kleiner de aantallen, hoe breder de band, en hoe voorzichtiger een verschil tussen jaren of gemeenten gelezen moet worden.</p>`;

export interface ReportPage {
  naam: string;
  isRegion: boolean;
  kerncijfers: Html;
  chapters: Chapter[];
  quality: Html;
  colophon: Colophon;
}

/** A whole report as an HTML document. */
export function renderReportPage(r: ReportPage): string {
  const all = [
    ...r.chapters,
    { id: 'datakwaliteit', title: 'Datakwaliteit', body: r.quality },
    {
      id: 'verantwoording',
      title: 'Verantwoording',
      body: html`${verantwoording}<h3>Colofon</h3>${renderColophon(r.colophon)}`,
    },
  ];
  const title = r.isRegion ? `Jeugdhulp in jeugdregio ${r.naam}` : `Jeugdhulp in ${r.naam}`;
  return page(
    `${title} — Regionale IJssellandse Monitor`,
    html`<header class="kop">
<p class="reeks">Regionale IJssellandse Monitor</p>
<h1>${title}</h1>
<p>Gegevens tot en met ${r.colophon.peildatum ? formatDate(r.colophon.peildatum) : 'onbekend'} · gemaakt op ${formatDateTime(r.colophon.generatedAt)}</p>
</header>
<main>
<section class="inleiding" aria-labelledby="kort">
<h2 id="kort">In het kort</h2>
${r.kerncijfers}
<nav class="inhoud" aria-label="Inhoud"><p><strong>Inhoud</strong></p><ol>${all.map((c) => html`<li><a href="#${c.id}">${c.title}</a></li>`)}</ol></nav>
</section>
${all.map(
  (c) => html`<section class="hoofdstuk" aria-labelledby="${c.id}">
<h2 id="${c.id}">${c.title}</h2>
${c.body}
</section>`,
)}
</main>`,
  );
}

export interface IndexEntry {
  naam: string;
  href: string;
  pdfHref: string | null;
}

/** The index page that links the region's and every gemeente's report. */
export function renderIndexPage(region: IndexEntry, entries: IndexEntry[], colophon: Colophon): string {
  const item = (e: IndexEntry) =>
    html`<li><a href="${e.href}">${e.naam}</a>${e.pdfHref ? html` · <a href="${e.pdfHref}">pdf</a>` : ''}</li>`;
  return page(
    'Rapporten — Regionale IJssellandse Monitor',
    html`<header class="kop">
<p class="reeks">Regionale IJssellandse Monitor</p>
<h1>Rapporten jeugdhulp IJsselland</h1>
<p>Gegevens tot en met ${colophon.peildatum ? formatDate(colophon.peildatum) : 'onbekend'}</p>
</header>
<main>
<h2>Regio</h2>
<ul class="rapporten">${item(region)}</ul>
<h2>Gemeenten</h2>
<ul class="rapporten">${entries.map(item)}</ul>
<h2>Colofon</h2>
${renderColophon(colophon)}
</main>`,
  );
}
