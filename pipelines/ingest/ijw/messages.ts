/**
 * The iJw 3.2 messages the monitor reads, as data: namespace and BerichtCode, where the products sit, which
 * fields are read (everything else, names, addresses, relations, contact data and Commentaar included, is
 * never read into memory), how each is checked, and how a product becomes a row of its raw table
 * (column order of schemas/warehouse/02_raw.sql).
 */
import {
  type Checked,
  type CodelistName,
  checkAgb,
  checkBsn,
  checkCent,
  checkCode,
  checkDate,
  checkNummer,
  checkProductcode,
  checkText,
  checkTime,
  checkVolume,
} from './rules.js';

export const IJW32_NS = /^http:\/\/www\.istandaarden\.nl\/ijw\/3_2\/(jw[0-9]{3})\/schema$/;
export const ISTANDAARD_NS = /^http:\/\/www\.istandaarden\.nl\/(i?[a-z]+)\/([0-9_]+)\/([a-z0-9]+)\/schema$/i;

/** iJw 3.2 messages that are recognised, counted and skipped (retour messages, JW317, JW319). */
export const skippedMessages = new Set([
  'jw302',
  'jw306',
  'jw308',
  'jw316',
  'jw317',
  'jw318',
  'jw319',
  'jw320',
  'jw325',
]);

export type Kind =
  | { type: 'date' | 'time' | 'nummer' | 'volume' | 'cent' | 'agb' | 'bsn' | 'productcode' | 'gemeente' }
  | { type: 'code'; list: CodelistName }
  | { type: 'text'; max: number; pattern?: RegExp }
  | { type: 'fixed'; value: string }
  | { type: 'enum'; values: readonly string[] };

export interface Field {
  /** Path relative to its scope (the message root, the JW323 Client, or the product), e.g. `Product/Code`. */
  path: string;
  kind: Kind;
  /** Required by the XSD or by the monitor; with `within`, only when that parent element is present. */
  required?: boolean;
  within?: string;
  /** Why it is required when the XSD itself makes it optional (plain Dutch). */
  requiredBecause?: string;
}

/** Typed, checked values of one scope by field path. */
export type Values = Map<string, unknown>;

export interface RowInput {
  gemeente: string;
  clientId: string | null;
  message: Values;
  group: Values | undefined;
  product: Values;
  seq: number;
  deliveryId: string;
}

export interface MessageSpec {
  code: 'JW301' | 'JW305' | 'JW307' | 'JW315' | 'JW323';
  berichtCode: string;
  table: string;
  /** The header element naming the gemeente: Afzender for JW301, Ontvanger for the others. */
  gemeenteIn: 'Afzender' | 'Ontvanger';
  productList: string;
  product: string;
  /** JW323: products are grouped per Client inside Declaratie/Clienten. */
  group?: { list: string; element: string; fields: Field[] };
  messageFields: Field[];
  productFields: Field[];
  /** Cross-field rules of one product: [field path, rule, reason] when broken. */
  productRules?: (p: Values) => [string, string, string] | undefined;
  /** The key shown with a quarantined product. */
  recordKey: string;
  row(input: RowInput): unknown[];
}

const date = { type: 'date' } as const;
const nummer = { type: 'nummer' } as const;
const code = (list: CodelistName): Kind => ({ type: 'code', list });

function header(berichtCode: string, gemeenteIn: 'Afzender' | 'Ontvanger'): Field[] {
  return [
    { path: 'Header/BerichtCode', kind: { type: 'fixed', value: berichtCode }, required: true },
    { path: 'Header/BerichtVersie', kind: { type: 'fixed', value: '3' }, required: true },
    { path: 'Header/BerichtSubversie', kind: { type: 'fixed', value: '2' }, required: true },
    {
      path: 'Header/Afzender',
      kind: { type: gemeenteIn === 'Afzender' ? 'gemeente' : 'agb' },
      required: true,
    },
    {
      path: 'Header/Ontvanger',
      kind: { type: gemeenteIn === 'Ontvanger' ? 'gemeente' : 'agb' },
      required: true,
    },
    { path: 'Header/BerichtIdentificatie/Identificatie', kind: { type: 'text', max: 12 }, required: true },
    { path: 'Header/BerichtIdentificatie/Dagtekening', kind: date, required: true },
  ];
}

const clientFields: Field[] = [
  { path: 'Client/Bsn', kind: { type: 'bsn' }, required: true },
  { path: 'Client/Geboortedatum/Datum', kind: date, required: true },
  { path: 'Client/Geboortedatum/DatumGebruik', kind: { type: 'enum', values: ['1', '2', '3'] } },
  { path: 'Client/Geslacht', kind: code('COD046'), required: true },
];

const productFields: Field[] = [
  { path: 'Product/Categorie', kind: code('JZ020'), required: true, within: 'Product' },
  { path: 'Product/Code', kind: { type: 'productcode' } },
];

const toewijzingNummerVoorMonitor: Field = {
  path: 'ToewijzingNummer',
  kind: nummer,
  required: true,
  requiredBecause: 'de monitor kan dit product zonder ToewijzingNummer niet aan een toewijzing koppelen',
};

function str(v: Values, path: string): string | null {
  const x = v.get(path);
  return x === undefined ? null : (x as string);
}
function val(v: Values, path: string): unknown {
  return v.get(path) ?? null;
}
function header4(i: RowInput, agbIn: 'Afzender' | 'Ontvanger'): unknown[] {
  return [
    i.deliveryId,
    i.seq,
    i.gemeente,
    str(i.message, `Header/${agbIn}`),
    str(i.message, 'Header/BerichtIdentificatie/Identificatie'),
    val(i.message, 'Header/BerichtIdentificatie/Dagtekening'),
    i.clientId,
  ];
}

/** Birth year and month only; DatumGebruik 2 (only the year) and 3 (unknown) drop what is not known. */
export function birth(message: Values): [number | null, number | null] {
  const d = message.get('Client/Geboortedatum/Datum') as Date | undefined;
  const gebruik = message.get('Client/Geboortedatum/DatumGebruik');
  if (!d || gebruik === '3') return [null, null];
  return [d.getUTCFullYear(), gebruik === '2' ? null : d.getUTCMonth() + 1];
}

const einddatumNaBegin =
  (begin: string, eind: string, what: string) =>
  (p: Values): [string, string, string] | undefined => {
    const b = p.get(begin) as Date | undefined;
    const e = p.get(eind) as Date | undefined;
    return b && e && e < b
      ? [eind, 'periode_omgekeerd', `${what} ligt voor ${begin.split('/').pop()}`]
      : undefined;
  };

export const messageSpecs: Record<string, MessageSpec> = {
  jw301: {
    code: 'JW301',
    berichtCode: '436',
    table: 'raw.jw301',
    gemeenteIn: 'Afzender',
    productList: 'ToegewezenProducten',
    product: 'ToegewezenProduct',
    messageFields: [...header('436', 'Afzender'), ...clientFields],
    productFields: [
      { path: 'ToewijzingNummer', kind: nummer, required: true },
      { path: 'ReferentieAanbieder', kind: { type: 'text', max: 36 } },
      ...productFields,
      { path: 'Toewijzingsdatum', kind: date, required: true },
      { path: 'Toewijzingstijd', kind: { type: 'time' }, required: true },
      { path: 'Ingangsdatum', kind: date, required: true },
      { path: 'Einddatum', kind: date },
      { path: 'RedenWijziging', kind: code('JZ002') },
      { path: 'Omvang/Volume', kind: { type: 'volume' }, required: true, within: 'Omvang' },
      { path: 'Omvang/Eenheid', kind: code('WJ756'), required: true, within: 'Omvang' },
      { path: 'Omvang/Frequentie', kind: code('WMO757'), required: true, within: 'Omvang' },
      { path: 'Budget', kind: { type: 'cent' } },
    ],
    productRules: einddatumNaBegin('Ingangsdatum', 'Einddatum', 'Einddatum'),
    recordKey: 'ToewijzingNummer',
    row: (i) => {
      const p = i.product;
      const [jaar, maand] = birth(i.message);
      return [
        ...header4(i, 'Ontvanger'),
        jaar,
        maand,
        str(i.message, 'Client/Geslacht'),
        str(i.message, 'postcode4'),
        str(p, 'ToewijzingNummer'),
        str(p, 'ReferentieAanbieder'),
        str(p, 'Product/Categorie'),
        str(p, 'Product/Code'),
        val(p, 'Toewijzingsdatum'),
        val(p, 'Toewijzingstijd'),
        val(p, 'Ingangsdatum'),
        val(p, 'Einddatum'),
        str(p, 'RedenWijziging'),
        val(p, 'Omvang/Volume'),
        str(p, 'Omvang/Eenheid'),
        str(p, 'Omvang/Frequentie'),
        val(p, 'Budget'),
      ];
    },
  },
  jw305: {
    code: 'JW305',
    berichtCode: '438',
    table: 'raw.jw305',
    gemeenteIn: 'Ontvanger',
    productList: 'StartProducten',
    product: 'StartProduct',
    messageFields: [...header('438', 'Ontvanger'), ...clientFields],
    productFields: [
      toewijzingNummerVoorMonitor,
      ...productFields,
      { path: 'ToewijzingIngangsdatum', kind: date },
      { path: 'Begindatum', kind: date, required: true },
      { path: 'StatusAanlevering', kind: code('COD467'), required: true },
    ],
    recordKey: 'ToewijzingNummer',
    row: (i) => {
      const p = i.product;
      return [
        ...header4(i, 'Afzender'),
        str(p, 'ToewijzingNummer'),
        str(p, 'Product/Categorie'),
        str(p, 'Product/Code'),
        val(p, 'ToewijzingIngangsdatum'),
        val(p, 'Begindatum'),
        str(p, 'StatusAanlevering'),
      ];
    },
  },
  jw307: {
    code: 'JW307',
    berichtCode: '440',
    table: 'raw.jw307',
    gemeenteIn: 'Ontvanger',
    productList: 'StopProducten',
    product: 'StopProduct',
    messageFields: [...header('440', 'Ontvanger'), ...clientFields],
    productFields: [
      toewijzingNummerVoorMonitor,
      ...productFields,
      { path: 'ToewijzingIngangsdatum', kind: date },
      { path: 'Begindatum', kind: date, required: true },
      { path: 'RedenBeeindiging', kind: code('JZ588'), required: true },
      { path: 'Einddatum', kind: date, required: true },
      { path: 'StatusAanlevering', kind: code('COD467'), required: true },
    ],
    productRules: einddatumNaBegin('Begindatum', 'Einddatum', 'Einddatum'),
    recordKey: 'ToewijzingNummer',
    row: (i) => {
      const p = i.product;
      return [
        ...header4(i, 'Afzender'),
        str(p, 'ToewijzingNummer'),
        str(p, 'Product/Categorie'),
        str(p, 'Product/Code'),
        val(p, 'ToewijzingIngangsdatum'),
        val(p, 'Begindatum'),
        val(p, 'Einddatum'),
        str(p, 'RedenBeeindiging'),
        str(p, 'StatusAanlevering'),
      ];
    },
  },
  jw315: {
    code: 'JW315',
    berichtCode: '446',
    table: 'raw.jw315',
    gemeenteIn: 'Ontvanger',
    productList: 'AangevraagdeProducten',
    product: 'AangevraagdProduct',
    messageFields: [...header('446', 'Ontvanger'), ...clientFields],
    productFields: [
      { path: 'ReferentieAanbieder', kind: { type: 'text', max: 36 }, required: true },
      ...productFields,
      { path: 'ToewijzingIngangsdatum', kind: date, required: true },
      { path: 'ToewijzingEinddatum', kind: date },
      { path: 'Verwijzer/Type', kind: code('COD327'), required: true },
    ],
    productRules: einddatumNaBegin('ToewijzingIngangsdatum', 'ToewijzingEinddatum', 'ToewijzingEinddatum'),
    recordKey: 'ReferentieAanbieder',
    row: (i) => {
      const p = i.product;
      return [
        ...header4(i, 'Afzender'),
        str(p, 'ReferentieAanbieder'),
        str(p, 'Product/Categorie'),
        str(p, 'Product/Code'),
        val(p, 'ToewijzingIngangsdatum'),
        val(p, 'ToewijzingEinddatum'),
        str(p, 'Verwijzer/Type'),
      ];
    },
  },
  jw323: {
    code: 'JW323',
    berichtCode: '490',
    table: 'raw.jw323',
    gemeenteIn: 'Ontvanger',
    productList: 'Prestaties',
    product: 'Prestatie',
    group: {
      list: 'Clienten',
      element: 'Client',
      fields: [{ path: 'Bsn', kind: { type: 'bsn' }, required: true }],
    },
    messageFields: [
      ...header('490', 'Ontvanger'),
      {
        path: 'Declaratie/DeclaratieNummer',
        kind: { type: 'text', max: 12, pattern: /^[a-zA-Z0-9]+$/ },
        required: true,
      },
    ],
    productFields: [
      { path: 'ToewijzingNummer', kind: nummer, required: true },
      { path: 'ProductCategorie', kind: code('JZ020'), required: true },
      { path: 'ProductCode', kind: { type: 'productcode' }, required: true },
      { path: 'ProductPeriode/Begindatum', kind: date, required: true },
      { path: 'ProductPeriode/Einddatum', kind: date, required: true },
      { path: 'GeleverdVolume', kind: { type: 'volume' }, required: true },
      { path: 'Eenheid', kind: code('WJ756'), required: true },
      { path: 'ProductTarief', kind: { type: 'cent' } },
      { path: 'IngediendBedrag/Bedrag', kind: { type: 'cent' }, required: true },
      { path: 'IngediendBedrag/DebetCredit', kind: { type: 'enum', values: ['D', 'C'] }, required: true },
    ],
    productRules: einddatumNaBegin('ProductPeriode/Begindatum', 'ProductPeriode/Einddatum', 'Einddatum'),
    recordKey: 'ToewijzingNummer',
    row: (i) => {
      const p = i.product;
      return [
        i.deliveryId,
        i.seq,
        i.gemeente,
        str(i.message, 'Header/Afzender'),
        str(i.message, 'Header/BerichtIdentificatie/Identificatie'),
        val(i.message, 'Header/BerichtIdentificatie/Dagtekening'),
        str(i.message, 'Declaratie/DeclaratieNummer'),
        i.clientId,
        str(p, 'ToewijzingNummer'),
        str(p, 'ProductCategorie'),
        str(p, 'ProductCode'),
        val(p, 'ProductPeriode/Begindatum'),
        val(p, 'ProductPeriode/Einddatum'),
        val(p, 'GeleverdVolume'),
        str(p, 'Eenheid'),
        val(p, 'ProductTarief'),
        val(p, 'IngediendBedrag/Bedrag'),
        str(p, 'IngediendBedrag/DebetCredit'),
      ];
    },
  },
};

/** Checks one value against its field's kind (the gemeente is compared with the inbox by the caller). */
export function checkValue(kind: Kind, text: string): Checked<unknown> {
  switch (kind.type) {
    case 'date':
      return checkDate(text);
    case 'time':
      return checkTime(text);
    case 'nummer':
      return checkNummer(text);
    case 'volume':
      return checkVolume(text);
    case 'cent':
      return checkCent(text);
    case 'agb':
      return checkAgb(text);
    case 'bsn':
      return checkBsn(text);
    case 'productcode':
      return checkProductcode(text);
    case 'gemeente':
      return /^[0-9]{4}$/.test(text)
        ? { ok: true, value: text }
        : { ok: false, problem: { rule: 'gemeente_ongeldig', reason: 'gemeentecode moet 4 cijfers zijn' } };
    case 'code':
      return checkCode(text, kind.list);
    case 'enum':
      return kind.values.includes(text)
        ? { ok: true, value: text }
        : {
            ok: false,
            problem: { rule: 'code_onbekend', reason: `waarde moet een van ${kind.values.join(', ')} zijn` },
          };
    case 'fixed':
      return text === kind.value
        ? { ok: true, value: text }
        : { ok: false, problem: { rule: 'berichtversie', reason: `verwacht ${kind.value} voor iJw 3.2` } };
    case 'text': {
      const r = checkText(text, kind.max);
      if (r.ok && kind.pattern && !kind.pattern.test(text)) {
        return { ok: false, problem: { rule: 'patroon', reason: 'alleen letters en cijfers toegestaan' } };
      }
      return r;
    }
  }
}
