/**
 * How each municipality delivers: iJw in zips, loose iJw files or no iJw at all (clientbestand), and the
 * dialect of its tabular exports. `profileOf` gives the profile the ingest reads (profiles/<GM>.json);
 * a test checks that the committed profiles say exactly this.
 */
import type { DateFormat, Profile } from '../../schemas/profile.js';

export type IjwLevering = 'zip' | 'los' | 'geen';

export interface Dialect {
  gemeente: string;
  naam: string;
  systeem: string;
  ijw: IjwLevering;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le';
  delimiter: ';' | ',' | '\t';
  lineEnd: '\r\n' | '\n' | '\r';
  dateFormat: DateFormat;
  decimal: 'comma' | 'point';
  /** XLSX: title rows above the header. */
  titleRows: number;
  /** Standard column name → the municipality's spelling. */
  headers: Record<string, string>;
  /** Standard column → standard code → local spelling. */
  codes: Record<string, Record<string, string>>;
  /** A free-text column the export adds (ignored by the ingest; carries € and quotes, delimiters, breaks). */
  opmerking: string | undefined;
}

export const dialects: readonly Dialect[] = [
  {
    gemeente: 'GM0148',
    naam: 'Dalfsen',
    systeem: 'Suites4Jeugd, export via de functioneel beheerder',
    ijw: 'los',
    format: 'csv',
    encoding: 'utf-8',
    delimiter: ';',
    lineEnd: '\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: {},
    codes: {},
    opmerking: undefined,
  },
  {
    gemeente: 'GM0150',
    naam: 'Deventer',
    systeem: 'GWS4all; uitkomsten als Excel-rapportage',
    ijw: 'zip',
    format: 'xlsx',
    encoding: 'utf-8',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 3,
    headers: {
      toewijzingnummer: 'Toewijzing nummer',
      bsn: 'BSN',
      informant: 'Informant',
      aanbieder_agb: 'AGB aanbieder',
      einddatum: 'Einddatum zorg',
    },
    codes: { informant: { J: 'jeugdige', O: 'ouder' } },
    opmerking: undefined,
  },
  {
    gemeente: 'GM0160',
    naam: 'Hardenberg',
    systeem: 'Excel-export "CSV (gescheiden door lijstscheidingsteken)"',
    ijw: 'zip',
    format: 'csv',
    encoding: 'windows-1252',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'd-m-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: { toewijzingnummer: 'Toewijzing nummer', meetdatum: 'Datum meting' },
    codes: {},
    opmerking: 'Opmerking',
  },
  {
    gemeente: 'GM0166',
    naam: 'Kampen',
    systeem: 'Eigen datawarehouse, export door BI-team',
    ijw: 'los',
    format: 'csv',
    encoding: 'utf-8-bom',
    delimiter: ',',
    lineEnd: '\n',
    dateFormat: 'jjjj-mm-dd',
    decimal: 'point',
    titleRows: 0,
    headers: {},
    codes: {},
    opmerking: undefined,
  },
  {
    gemeente: 'GM1773',
    naam: 'Olst-Wijhe',
    systeem: 'Regionaal inkoopbureau, tab-gescheiden export',
    ijw: 'los',
    format: 'csv',
    encoding: 'utf-8',
    delimiter: '\t',
    lineEnd: '\n',
    dateFormat: 'jjjj-mm-dd',
    decimal: 'point',
    titleRows: 0,
    headers: { informant: 'Informant' },
    codes: { informant: { J: 'jongere', O: 'ouder' } },
    opmerking: undefined,
  },
  {
    gemeente: 'GM0175',
    naam: 'Ommen',
    systeem: 'Oud zaaksysteem zonder iJw-archief; Unicode-tekstexport',
    ijw: 'geen',
    format: 'csv',
    encoding: 'utf-16le',
    delimiter: '\t',
    lineEnd: '\r\n',
    dateFormat: 'dd/mm/jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: {},
    codes: {},
    opmerking: undefined,
  },
  {
    gemeente: 'GM0177',
    naam: 'Raalte',
    systeem: 'Export uit een Mac-spreadsheet (CR als regeleinde)',
    ijw: 'los',
    format: 'csv',
    encoding: 'utf-8',
    delimiter: ';',
    lineEnd: '\r',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: {},
    codes: {},
    opmerking: 'toelichting',
  },
  {
    gemeente: 'GM0180',
    naam: 'Staphorst',
    systeem: 'Zaaksysteem zonder iJw-koppeling; Excel-export als CSV',
    ijw: 'geen',
    format: 'csv',
    encoding: 'windows-1252',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: {
      toewijzingnummer: 'Toewijzing nummer',
      bsn: 'BSN',
      geboortedatum: 'Geboorte datum',
      geslacht: 'Geslacht',
    },
    codes: { geslacht: { '1': 'M', '2': 'V', '0': 'O' }, informant: { J: 'jeugdige', O: 'ouder' } },
    opmerking: 'Opmerking',
  },
  {
    gemeente: 'GM1708',
    naam: 'Steenwijkerland',
    systeem: 'Excel-rapportage zonder titelregels',
    ijw: 'zip',
    format: 'xlsx',
    encoding: 'utf-8',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: {},
    codes: {},
    opmerking: undefined,
  },
  {
    gemeente: 'GM1896',
    naam: 'Zwartewaterland',
    systeem: 'Zaaksysteem zonder iJw-koppeling; Excel-rapportage',
    ijw: 'geen',
    format: 'xlsx',
    encoding: 'utf-8',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 2,
    headers: { bsn: 'BSN', toewijzingnummer: 'Toewijzing nummer' },
    codes: {},
    opmerking: undefined,
  },
  {
    gemeente: 'GM0193',
    naam: 'Zwolle',
    systeem: 'GWS4all; iJw-archief per maand gezipt',
    ijw: 'zip',
    format: 'csv',
    encoding: 'utf-8-bom',
    delimiter: ';',
    lineEnd: '\r\n',
    dateFormat: 'dd-mm-jjjj',
    decimal: 'comma',
    titleRows: 0,
    headers: { informant: 'Informant' },
    codes: {},
    opmerking: undefined,
  },
];

/**
 * Exports change when a municipality updates its software or a colleague saves the file another way
 * (delivery.md §3.4): a few municipalities deliver one file in another dialect than their profile says,
 * as real regions do. `aspects`: the departures the ingest must report for it (dialect.ts names).
 */
export interface Drift {
  kind: 'uitkomsten' | 'clientbestand';
  change: Partial<Dialect>;
  aspects: string[];
}

export const drifts: Readonly<Record<string, Drift>> = {
  // The header on line 1 where the profile says row 4 and row 3.
  GM0150: { kind: 'uitkomsten', change: { titleRows: 0 }, aspects: ['kopregel'] },
  GM1896: { kind: 'uitkomsten', change: { titleRows: 0 }, aspects: ['kopregel'] },
  // `;` and Dutch dates where the profile says `,` and ISO dates; `;` where it says tab.
  GM0166: {
    kind: 'uitkomsten',
    change: { delimiter: ';', dateFormat: 'dd-mm-jjjj' },
    aspects: ['datumformaat', 'scheidingsteken'],
  },
  GM1773: { kind: 'uitkomsten', change: { delimiter: ';' }, aspects: ['scheidingsteken'] },
  // UTF-8 with BOM where the profile says UTF-16LE.
  GM0175: { kind: 'uitkomsten', change: { encoding: 'utf-8-bom' }, aspects: ['tekenset'] },
  // Amounts with a decimal point where the profile says comma.
  GM0180: { kind: 'clientbestand', change: { decimal: 'point' }, aspects: ['decimaalteken'] },
};

export function dialectOf(gemeente: string): Dialect {
  const d = dialects.find((x) => x.gemeente === gemeente);
  if (!d) throw new Error(`Expected a gemeente with a dialect, got ${gemeente}`);
  return d;
}

/** The profile (schemas/profile.ts) that describes a dialect to the ingest. */
export function profileOf(d: Dialect): Profile {
  const columnAliases: Record<string, string> = {};
  for (const [std, local] of Object.entries(d.headers)) columnAliases[local] = std;
  const codeMaps: Record<string, Record<string, string>> = {};
  for (const [col, map] of Object.entries(d.codes)) {
    codeMaps[col] = Object.fromEntries(Object.entries(map).map(([std, local]) => [local, std]));
  }
  return {
    gemeente: d.gemeente,
    naam: d.naam,
    toelichting: `${d.systeem}. ${d.ijw === 'geen' ? 'Levert geen iJw-berichten: clientbestand en uitkomsten.' : `Levert iJw-berichten ${d.ijw === 'zip' ? 'per maand gezipt' : 'als losse XML-bestanden (de oudere berichten eenmalig als archief per maand gezipt)'}, en uitkomsten.`}`,
    filePatterns: {},
    tabular: {
      encoding: d.encoding === 'utf-8-bom' ? 'detect' : d.encoding,
      delimiter: d.delimiter,
      quote: '"',
      dateFormats: [d.dateFormat],
      decimal: d.decimal,
      ...(d.format === 'xlsx' && d.titleRows > 0 ? { headerRow: d.titleRows + 1 } : {}),
    },
    types: {},
    columnAliases,
    codeMaps,
    leverritmeDagen: d.ijw === 'geen' ? 183 : 31,
  };
}
