/**
 * The report's style sheet, inlined in every page so a report opens from a mail attachment. Print:
 * A4, each section on a new page, charts kept whole. Colours meet WCAG 2.1 AA contrast on white.
 */
export const reportCss = `
:root { --ink: #1a1a1a; --muted: #4d4d4d; --main: #1f4e79; --line: #c8c8c8; --soft: #f2f5f9; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 760px; padding: 0 20px 40px; color: var(--ink); background: #fff;
  font: 15px/1.5 Arial, "Liberation Sans", Helvetica, sans-serif; }
header.kop { background: var(--main); color: #fff; margin: 0 -20px 24px; padding: 28px 20px 20px; }
header.kop p { margin: 4px 0 0; }
header.kop .reeks { text-transform: uppercase; letter-spacing: .06em; font-size: 13px; }
h1 { font-size: 30px; line-height: 1.2; margin: 6px 0 4px; }
h2 { font-size: 22px; color: var(--main); border-bottom: 2px solid var(--main); padding-bottom: 4px; margin: 36px 0 12px; }
h3 { font-size: 17px; margin: 0 0 4px; }
a { color: var(--main); }
nav.inhoud ol { padding-left: 22px; margin: 4px 0; }
.ambitie { border-left: 5px solid var(--main); background: var(--soft); padding: 10px 14px; margin: 12px 0; }
figure.grafiek { margin: 22px 0 30px; break-inside: avoid; page-break-inside: avoid; }
.leeswijzer { margin: 0 0 8px; color: var(--muted); }
.plot svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin: 6px 0 8px; }
p.leeg { background: var(--soft); padding: 10px 12px; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td.tekst { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
tr.eigen th, tr.eigen td { font-weight: bold; background: var(--soft); }
.onderdrukt { color: var(--muted); font-style: italic; }
table.kerncijfers { font-size: 15px; }
.melding { border: 1px solid var(--line); background: var(--soft); padding: 10px 14px; }
dl.colofon { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.colofon dt { font-weight: bold; }
dl.colofon dd { margin: 0; }
ul.rapporten { list-style: none; padding: 0; }
ul.rapporten li { padding: 6px 0; border-bottom: 1px solid var(--line); }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  header.kop { margin: 0 0 16px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.hoofdstuk { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: var(--ink); text-decoration: none; }
}
`;
