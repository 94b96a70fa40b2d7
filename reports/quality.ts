/**
 * The data-quality section: what the gemeente delivered, what was loaded and what was rejected and why.
 * These are counts of files and rows (for the municipality's data officer to act on), not of jeugdigen,
 * so they are shown exactly; nothing record-level (values, keys, client ids) is read or shown.
 */
import { formatNumber } from './format.js';
import { type Html, html } from './html.js';
import type { Available, DataQuality } from './queries.js';
import { peildatumText } from './sections.js';

const resultaatTekst: Record<string, string> = {
  geladen: 'Geladen',
  deels_afgewezen: 'Deels afgewezen (een deel van de rijen in quarantaine)',
  afgewezen: 'Afgewezen (hele bestand)',
  dubbel: 'Dubbel aangeleverd (één keer geladen)',
  overgeslagen: 'Overgeslagen (bericht niet nodig voor de monitor)',
};

function n(value: number | bigint): string {
  return formatNumber(Number(value));
}

function available<T>(a: Available<T>, render: (value: T) => Html): Html {
  return a.ok ? render(a.value) : html`<p class="melding">${a.reason}</p>`;
}

export function renderQuality(
  q: DataQuality,
  peildatum: string | null,
  isRegion: boolean,
  naamVan: (code: string) => string,
): Html {
  const deliveries = available(q.deliveries, (rows) => {
    if (rows.length === 0) return html`<p class="melding">Er zijn nog geen aanleveringen ontvangen.</p>`;
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + Number(f(r)), 0);
    return html`<p>Ontvangen: ${n(sum((r) => r.bestanden))} bestanden met ${n(sum((r) => r.gelezen))} records, waarvan ${n(sum((r) => r.geladen))} geladen en ${n(sum((r) => r.quarantaine))} afgekeurd.</p>
<table class="cijfers">
<caption>Aanleveringen naar resultaat</caption>
<thead><tr><th scope="col">Resultaat</th><th scope="col">Bestanden</th><th scope="col">Records gelezen</th><th scope="col">Geladen</th><th scope="col">Afgekeurd</th></tr></thead>
<tbody>${rows.map(
      (r) =>
        html`<tr><th scope="row">${resultaatTekst[r.result] ?? r.result}</th><td class="telling">${n(r.bestanden)}</td><td class="telling">${n(r.gelezen)}</td><td class="telling">${n(r.geladen)}</td><td class="telling">${n(r.quarantaine)}</td></tr>`,
    )}</tbody>
</table>`;
  });
  const files = available(q.rejectedFiles, (rows) =>
    rows.length === 0
      ? html`<p>Geen bestanden afgewezen of overgeslagen.</p>`
      : html`<table class="cijfers">
<caption>Afgewezen en overgeslagen bestanden</caption>
<thead><tr>${isRegion ? html`<th scope="col">Gemeente</th>` : ''}<th scope="col">Bestand</th><th scope="col" class="tekst">Resultaat</th><th scope="col" class="tekst">Reden</th></tr></thead>
<tbody>${rows.map(
          (r) =>
            html`<tr>${isRegion ? html`<td class="tekst">${naamVan(r.gemeente)}</td>` : ''}<td class="tekst">${r.bestand}</td><td class="tekst">${resultaatTekst[r.result] ?? r.result}</td><td class="tekst">${r.reden || '–'}</td></tr>`,
        )}</tbody>
</table>`,
  );
  const departures = available(q.departures, (rows) =>
    rows.length === 0
      ? html`<p>Alle gelezen bestanden volgen het profiel van de gemeente.</p>`
      : html`<table class="cijfers">
<caption>Bestanden die afwijken van het profiel (gelezen zoals het bestand zelf aangeeft)</caption>
<thead><tr>${isRegion ? html`<th scope="col">Gemeente</th>` : ''}<th scope="col">Bestand</th><th scope="col" class="tekst">Afwijking</th></tr></thead>
<tbody>${rows.map(
          (r) =>
            html`<tr>${isRegion ? html`<td class="tekst">${naamVan(r.gemeente)}</td>` : ''}<td class="tekst">${r.bestand}</td><td class="tekst">${r.omschrijving}</td></tr>`,
        )}</tbody>
</table>`,
  );
  const quarantine = available(q.quarantine, (rows) =>
    rows.length === 0
      ? html`<p>Geen rijen afgekeurd.</p>`
      : html`<table class="cijfers">
<caption>Afgekeurde rijen per reden</caption>
<thead><tr><th scope="col">Reden</th><th scope="col" class="tekst">Kolom</th><th scope="col">Rijen</th></tr></thead>
<tbody>${rows.map(
          (r) =>
            html`<tr><th scope="row">${r.reden}</th><td class="tekst">${r.kolom ?? '–'}</td><td class="telling">${n(r.rijen)}</td></tr>`,
        )}</tbody>
</table>`,
  );
  const model = available(q.modelIssues, (rows) =>
    rows.length === 0
      ? html`<p>Geen bijzonderheden bij het samenstellen van trajecten.</p>`
      : html`<table class="cijfers">
<caption>Bijzonderheden bij het samenstellen van trajecten</caption>
<thead><tr><th scope="col">Wat</th><th scope="col">Aantal</th></tr></thead>
<tbody>${rows.map(
          (r) => html`<tr><th scope="row">${r.omschrijving}</th><td class="telling">${n(r.aantal)}</td></tr>`,
        )}</tbody>
</table>`,
  );
  return html`<p>${peildatumText(peildatum)}</p>
<p>De aantallen in dit hoofdstuk zijn bestanden en rijen, geen jeugdigen; ze zijn daarom niet afgerond. Ze helpen de gemeente haar aanlevering te verbeteren: afgekeurde rijen tellen niet mee in de cijfers van dit rapport.</p>
<h3>Aanleveringen</h3>
${deliveries}
${files}
${departures}
<h3>Afgekeurde rijen</h3>
${quarantine}
<h3>Controles bij het berekenen</h3>
${model}`;
}
