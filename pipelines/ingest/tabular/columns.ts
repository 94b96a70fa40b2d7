/**
 * The columns of the two tabular file types (delivery.md §3.2 uitkomsten, §3.3 clientbestand): which are
 * required, and which check each value gets. The SQL rules (rules.ts) are generated from this table.
 */

export type TabularType = 'uitkomsten' | 'clientbestand';

/** How a column's value is checked and typed. */
export type Check =
  | { kind: 'gemeente' }
  | { kind: 'bsn' }
  | { kind: 'date' }
  /** A value matching a regular expression (whole value), e.g. 8 digits. */
  | { kind: 'pattern'; regex: string; expected: string }
  /** A code in one of the iJw codelists of ref.codelijsten. */
  | { kind: 'codelist'; codelist: string }
  /** A code from a short list defined by delivery.md itself. */
  | { kind: 'codes'; codes: Record<string, string> }
  | { kind: 'integer'; min: number; max: number; expected: string }
  | { kind: 'amount' }
  | { kind: 'postcode' };

export interface ColumnSpec {
  name: string;
  required: boolean;
  check: Check;
  /** Codes written in capitals (informant `j` = `J`). */
  upper?: boolean;
  /**
   * Personal data: never copied into meta.quarantine; the value there is `[name]`. The BSN, the full
   * birth date and the full postcode may not be stored anywhere (delivery.md §5).
   */
  personal?: boolean;
}

const digits = (n: number, what: string): Check => ({
  kind: 'pattern',
  regex: `[0-9]{${n}}`,
  expected: `${what} van ${n} cijfers`,
});

const common: Record<string, ColumnSpec> = {
  gemeente: { name: 'gemeente', required: true, check: { kind: 'gemeente' }, upper: true },
  bsn: { name: 'bsn', required: true, check: { kind: 'bsn' }, personal: true },
  toewijzingnummer: {
    name: 'toewijzingnummer',
    required: true,
    check: { kind: 'pattern', regex: '[0-9]{1,18}', expected: 'een nummer van alleen cijfers' },
  },
  aanbieder_agb: { name: 'aanbieder_agb', required: true, check: digits(8, 'een AGB-code') },
  productcode: {
    name: 'productcode',
    required: true,
    check: { kind: 'pattern', regex: '[0-9A-Z]{5}', expected: 'een productcode van 5 tekens, bv. 45A07' },
    upper: true,
  },
};

export const columnSpecs: Record<TabularType, readonly ColumnSpec[]> = {
  uitkomsten: [
    common.gemeente!,
    common.bsn!,
    common.toewijzingnummer!,
    common.aanbieder_agb!,
    common.productcode!,
    { name: 'einddatum', required: true, check: { kind: 'date' } },
    {
      name: 'informant',
      required: true,
      check: { kind: 'codes', codes: { J: 'jeugdige', O: 'ouder/opvoeder' } },
      upper: true,
    },
    {
      name: 'doelrealisatie',
      required: false,
      check: {
        kind: 'codes',
        codes: { '1': 'doelen volledig behaald', '2': 'gedeeltelijk behaald', '3': 'niet behaald' },
      },
    },
    {
      name: 'tevredenheid',
      required: false,
      check: { kind: 'integer', min: 1, max: 10, expected: 'een rapportcijfer van 1 tot en met 10' },
    },
    {
      name: 'zonder_hulp_verder',
      required: false,
      check: {
        kind: 'codes',
        codes: {
          '01': 'zelfde of zwaardere hulp nodig',
          '02': 'lichtere hulp volstaat',
          '03': 'nu geen hulp, later waarschijnlijk wel',
          '04': 'geen hulp meer nodig',
        },
      },
    },
    { name: 'meetdatum', required: false, check: { kind: 'date' } },
  ],
  clientbestand: [
    common.gemeente!,
    common.bsn!,
    { name: 'geboortedatum', required: true, check: { kind: 'date' }, personal: true },
    { name: 'geslacht', required: false, check: { kind: 'codelist', codelist: 'COD046' } },
    { name: 'postcode', required: false, check: { kind: 'postcode' }, upper: true, personal: true },
    common.toewijzingnummer!,
    common.aanbieder_agb!,
    { name: 'productcategorie', required: true, check: { kind: 'codelist', codelist: 'JZ020' } },
    { ...common.productcode!, required: false },
    { name: 'toewijzingsdatum', required: true, check: { kind: 'date' } },
    { name: 'ingangsdatum', required: true, check: { kind: 'date' } },
    { name: 'einddatum', required: false, check: { kind: 'date' } },
    {
      name: 'volume',
      required: false,
      check: { kind: 'integer', min: 0, max: 2_000_000_000, expected: 'een geheel getal' },
    },
    { name: 'eenheid', required: false, check: { kind: 'codelist', codelist: 'WJ756' } },
    { name: 'frequentie', required: false, check: { kind: 'codelist', codelist: 'WMO757' } },
    { name: 'budget', required: false, check: { kind: 'amount' } },
    { name: 'verwijzer', required: false, check: { kind: 'codelist', codelist: 'COD327' } },
    { name: 'start_zorg', required: false, check: { kind: 'date' } },
    { name: 'einde_zorg', required: false, check: { kind: 'date' } },
    { name: 'reden_beeindiging', required: false, check: { kind: 'codelist', codelist: 'JZ588' } },
  ],
};

/** Codelists whose codes are two digits: a single digit (`2`, as Excel writes `02`) is read as `02`. */
export const twoDigitCodelists = new Set(['JZ020', 'JZ588', 'COD327', 'WJ756']);

/** Whether a one-digit value of this column is padded to two digits (`2` → `02`). */
export function padsToTwoDigits(spec: ColumnSpec): boolean {
  const c = spec.check;
  if (c.kind === 'codelist') return twoDigitCodelists.has(c.codelist);
  return c.kind === 'codes' && Object.keys(c.codes).every((k) => /^[0-9]{2}$/.test(k));
}

/** The columns a file must have (in its header) to be of its type. */
export function requiredColumns(type: TabularType): string[] {
  return columnSpecs[type].filter((c) => c.required).map((c) => c.name);
}
