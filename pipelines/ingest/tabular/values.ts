/**
 * The dialect of the values (delivery.md §3.4): date formats and the decimal mark, decided per file from
 * all its staged rows in SQL, with the profile as the expectation.
 *
 * Dates: every allowed format is read, whatever the profile says. No value fits two of them with two
 * readings (dd-mm-jjjj and d-m-jjjj read `05-03-2026` alike; the others differ in their separator or in
 * where the year stands), so a date column is never ambiguous; a column whose values use a format the
 * profile does not name is a departure, per column.
 *
 * The decimal mark: the profile's, when it reads every amount of the file; else the other mark, when it
 * reads more of them, is a departure, unless each amount only it reads could as well be read with the
 * profile's mark as a decimal mark with three decimals (`1,234`: 1234 with a thousands comma, or 1,234):
 * such a file is read differently by the two and is rejected whole. Amounts neither mark reads are
 * quarantined by the row rules.
 */
import type { DateFormat } from '../../../schemas/profile.js';
import { literal, type Warehouse } from '../../lib/db.js';
import { columnSpecs, type TabularType } from './columns.js';
import {
  DATE_FORMATS,
  type DecimalMark,
  type DialectFact,
  decimalLabel,
  type Expectation,
  fact,
} from './dialect.js';

export const dateFormats: Record<DateFormat, { regex: string; strptime: string }> = {
  'dd-mm-jjjj': { regex: '[0-9]{2}-[0-9]{2}-[0-9]{4}', strptime: '%d-%m-%Y' },
  'd-m-jjjj': { regex: '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}', strptime: '%d-%m-%Y' },
  'jjjj-mm-dd': { regex: '[0-9]{4}-[0-9]{2}-[0-9]{2}', strptime: '%Y-%m-%d' },
  'dd/mm/jjjj': { regex: '[0-9]{2}/[0-9]{2}/[0-9]{4}', strptime: '%d/%m/%Y' },
};

export const amountPatterns: Record<DecimalMark, { regex: string; toPoint: (v: string) => string }> = {
  comma: {
    regex: '[0-9]{1,3}(\\.[0-9]{3})+(,[0-9]{1,2})?|[0-9]+(,[0-9]{1,2})?',
    toPoint: (v) => `replace(replace(${v}, '.', ''), ',', '.')`,
  },
  point: {
    regex: '[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]{1,2})?|[0-9]+(\\.[0-9]{1,2})?',
    toPoint: (v) => `replace(${v}, ',', '')`,
  },
};

/** An amount only `mark` reads that the other could read as a decimal mark with three decimals. */
const ambiguousWith: Record<DecimalMark, string> = {
  comma: '[0-9]{1,3}\\.[0-9]{3}',
  point: '[0-9]{1,3},[0-9]{3}',
};

const other = (m: DecimalMark): DecimalMark => (m === 'comma' ? 'point' : 'comma');

/** An amount as the rules read it: trimmed, without `€` and spaces; empty is NULL. */
export function amountSql(column: string): string {
  return `nullif(regexp_replace(coalesce(trim(${column}, ' ' || chr(9) || chr(160)), ''), '[€\\s]', '', 'g'), '')`;
}

export type DecimalDecision = { mark: DecimalMark; facts: DialectFact[] } | { reject: string };

/**
 * The decimal mark of each file of `files` staged in `table` (see the module comment); files without
 * amounts take the profile's.
 */
export async function decideDecimals(
  db: Warehouse,
  table: string,
  files: readonly number[],
  type: TabularType,
  expected: DecimalMark,
): Promise<Map<number, DecimalDecision>> {
  const amounts = columnSpecs[type].filter((c) => c.check.kind === 'amount').map((c) => c.name);
  const decisions = new Map<number, DecimalDecision>(files.map((f) => [f, { mark: expected, facts: [] }]));
  if (amounts.length === 0 || files.length === 0) return decisions;
  const reads = (m: DecimalMark) => `regexp_full_match(v, ${literal(amountPatterns[m].regex)})`;
  const only = (m: DecimalMark) => `${reads(m)} and not ${reads(other(m))}`;
  const doubtful = (m: DecimalMark) => `${only(m)} and regexp_full_match(v, ${literal(ambiguousWith[m])})`;
  const rows = await db.all<{
    file: number;
    n: number;
    comma: number;
    point: number;
    only_comma: number;
    only_point: number;
    doubtful_comma: number;
    doubtful_point: number;
    example_comma: string | null;
    example_point: string | null;
  }>(
    `with v as (
       ${amounts.map((c) => `select file, ${amountSql(c)} as v from ${table}`).join(' union all ')}
     )
     select file, count(*) as n,
       count(*) filter (where ${reads('comma')}) as comma,
       count(*) filter (where ${reads('point')}) as point,
       count(*) filter (where ${only('comma')}) as only_comma,
       count(*) filter (where ${only('point')}) as only_point,
       count(*) filter (where ${doubtful('comma')}) as doubtful_comma,
       count(*) filter (where ${doubtful('point')}) as doubtful_point,
       min(v) filter (where ${doubtful('comma')}) as example_comma,
       min(v) filter (where ${doubtful('point')}) as example_point
     from v where v is not null and file in (${files.join(', ')}) group by file`,
  );
  const kolom = amounts.join(', ');
  for (const r of rows) {
    const p = expected;
    const o = other(p);
    const count = { comma: Number(r.comma), point: Number(r.point) };
    const n = Number(r.n);
    if (count[p] === n || count[o] <= count[p]) {
      decisions.set(r.file, {
        mark: p,
        facts: [fact('decimaalteken', decimalLabel(p), decimalLabel(p), false, kolom)],
      });
      continue;
    }
    const onlyO = Number(o === 'comma' ? r.only_comma : r.only_point);
    const doubtfulO = Number(o === 'comma' ? r.doubtful_comma : r.doubtful_point);
    if (onlyO > 0 && doubtfulO === onlyO) {
      const example = (o === 'comma' ? r.example_comma : r.example_point) ?? '';
      const separator = o === 'comma' ? '.' : ',';
      const thousands = example.replace(separator, '');
      const decimal = example.replace(separator, p === 'comma' ? ',' : '.');
      decisions.set(r.file, {
        reject: `niet eenduidig te lezen: een bedrag als '${example}' in kolom ${kolom} is met decimaalteken ${decimalLabel(o)} ${thousands} euro en met ${decimalLabel(p)} ${decimal} euro; geprobeerd: decimaalteken ${decimalLabel(p)} (het profiel) leest ${count[p]} van de ${n} bedragen, ${decimalLabel(o)} leest er ${count[o]}, maar geen enkel bedrag alleen op die manier`,
      });
      continue;
    }
    decisions.set(r.file, {
      mark: o,
      facts: [fact('decimaalteken', decimalLabel(p), decimalLabel(o), true, kolom)],
    });
  }
  return decisions;
}

/** The date formats in the order a value is ascribed to one: the profile's first. */
function formatOrder(expect: Expectation): DateFormat[] {
  return [...expect.dateFormats, ...DATE_FORMATS.filter((f) => !expect.dateFormats.includes(f))];
}

/**
 * The date formats each date column of each file used (from `tab_checked`, the checked rows of a batch):
 * one fact per file and column with dates, a departure when a format the profile does not name is used.
 * A value is ascribed to the first format it fits, the profile's first, so `05-03-2026` in a d-m-jjjj
 * profile is d-m-jjjj.
 */
export async function dateFacts(
  db: Warehouse,
  type: TabularType,
  expect: Expectation,
): Promise<Map<number, DialectFact[]>> {
  const dates = columnSpecs[type].filter((c) => c.check.kind === 'date').map((c) => c.name);
  const order = formatOrder(expect);
  const ascribed = (v: string) =>
    `case ${order.map((f) => `when regexp_full_match(${v}, ${literal(dateFormats[f].regex)}) then ${literal(f)}`).join(' ')} end`;
  const rows = await db.all<{ file: number; kolom: string; formaat: string; n: number }>(
    `select file, kolom, formaat, count(*) as n from (
       ${dates.map((c) => `select file, ${literal(c)} as kolom, ${ascribed(`v_${c}`)} as formaat from tab_checked where p_${c} is not null`).join(' union all ')}
     ) group by all`,
  );
  const used = new Map<string, Set<DateFormat>>();
  for (const r of rows) {
    const key = `${r.file}\u0000${r.kolom}`;
    used.set(key, (used.get(key) ?? new Set()).add(r.formaat as DateFormat));
  }
  const facts = new Map<number, DialectFact[]>();
  const profiel = expect.dateFormats.join(' of ');
  for (const [key, formats] of [...used.entries()].sort()) {
    const [file, kolom] = key.split('\u0000') as [string, string];
    const list = order.filter((f) => formats.has(f));
    const foreign = list.filter((f) => !expect.dateFormats.includes(f));
    const f = fact('datumformaat', profiel, list.join(' en '), foreign.length > 0, kolom);
    if (foreign.length > 0 && foreign.length < list.length) {
      f.omschrijving = `datumformaat ${foreign.join(' en ')} naast ${profiel} (kolom ${kolom})`;
    }
    facts.set(Number(file), [...(facts.get(Number(file)) ?? []), f]);
  }
  return facts;
}
