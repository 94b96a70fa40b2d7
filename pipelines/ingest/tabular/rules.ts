/**
 * The row rules of delivery.md §3.2/§3.3, in bulk SQL over a batch of staged rows (of one or more files,
 * each row with its file's number in the batch and its line): every value is trimmed, mapped through the
 * profile's codeMaps, typed and checked (`tab_checked`); each fault becomes a row of `tab_faults` with its
 * file, line, column, value (never personal data), rule and plain-Dutch reason. Rows without faults are
 * loaded, the others quarantined (one entry per fault, the row counted once).
 */
import type { DateFormat, Profile } from '../../../schemas/profile.js';
import type { Warehouse } from '../../lib/db.js';
import { literal } from '../../lib/db.js';
import { elfproefSql } from '../../lib/elfproef.js';
import type { SecretKey } from '../../lib/pseudonym.js';
import { pseudonymise } from '../../lib/pseudonym.js';
import { type ColumnSpec, columnSpecs, padsToTwoDigits, type TabularType } from './columns.js';
import { DATE_FORMATS, type Expectation } from './dialect.js';
import { amountPatterns, dateFormats } from './values.js';

const r = (c: ColumnSpec) => `r_${c.name}`;
const v = (c: ColumnSpec) => `v_${c.name}`;
const p = (c: ColumnSpec) => `p_${c.name}`;

/** The delivered value, trimmed; empty is NULL. */
function trimmedSql(c: ColumnSpec): string {
  return `nullif(trim(${c.name}, ' ' || chr(9) || chr(160)), '')`;
}

/** The value as the rules see it: local code spellings mapped, capitals, `2` → `02`, `€ 1.234,50` → `1.234,50`. */
function normalisedSql(c: ColumnSpec, profile: Profile): string {
  let value = r(c);
  const map = Object.entries(profile.codeMaps[c.name] ?? {});
  if (map.length > 0) {
    const whens = map
      .map(([local, code]) => `when ${literal(local.trim().toLowerCase())} then ${literal(code)}`)
      .join(' ');
    value = `case lower(${value}) ${whens} else ${value} end`;
  }
  if (c.upper) value = `upper(${value})`;
  if (padsToTwoDigits(c))
    value = `case when regexp_full_match(${value}, '[0-9]') then '0' || ${value} else ${value} end`;
  if (c.check.kind === 'amount') value = `nullif(regexp_replace(${value}, '[€\\s]', '', 'g'), '')`;
  return value;
}

function dateMatchesSql(value: string, formats: readonly DateFormat[]): string {
  return `(${formats.map((f) => `regexp_full_match(${value}, '${dateFormats[f].regex}')`).join(' or ')})`;
}

function dateSql(value: string, formats: readonly DateFormat[]): string {
  const tries = formats.map((f) => {
    const d = dateFormats[f];
    return `case when regexp_full_match(${value}, '${d.regex}') then cast(try_strptime(${value}, '${d.strptime}') as date) end`;
  });
  return tries.length === 1 ? tries[0]! : `coalesce(${tries.join(', ')})`;
}

/**
 * The typed (parsed) value; NULL when the value is empty or invalid. Dates in any allowed format, amounts
 * with the decimal mark decided for the row's file (`decimaal`, see ./values.ts).
 */
function parsedSql(c: ColumnSpec, codelists: Codelists): string {
  const x = v(c);
  const check = c.check;
  switch (check.kind) {
    case 'gemeente':
      return `case when regexp_full_match(${x}, 'GM[0-9]{4}') then ${x}
        when regexp_full_match(${x}, '[0-9]{1,4}') then 'GM' || lpad(${x}, 4, '0') end`;
    case 'bsn':
      return `case when ${elfproefSql(x)} then ${x} end`;
    case 'date':
      return dateSql(x, DATE_FORMATS);
    case 'pattern':
      return `case when regexp_full_match(${x}, '${check.regex}') then ${x} end`;
    case 'codelist':
      return `case when ${x} in (${(codelists.get(check.codelist) ?? ['']).map(literal).join(', ')}) then ${x} end`;
    case 'codes':
      return `case when ${x} in (${Object.keys(check.codes).map(literal).join(', ')}) then ${x} end`;
    case 'integer':
      return `case when regexp_full_match(${x}, '[0-9]{1,10}') and cast(${x} as bigint) between ${check.min} and ${check.max}
        then cast(${x} as integer) end`;
    case 'amount': {
      const read = (mark: 'comma' | 'point') => {
        const a = amountPatterns[mark];
        return `case when regexp_full_match(${x}, '${a.regex}')
          then cast(round(cast(${a.toPoint(x)} as decimal(18, 2)) * 100) as bigint) end`;
      };
      return `case when decimaal = 'point' then ${read('point')} else ${read('comma')} end`;
    }
    case 'postcode':
      return `case when regexp_full_match(${x}, '[1-9][0-9]{3} ?[A-Z]{2}|[1-9][0-9]{3}') then left(${x}, 4) end`;
  }
}

const amountExample = { comma: '1.234,50', point: '1234.50' } as const;

/** The rows of `tab_checked` for which `condition` holds, as faults of column `c`. */
function fault(c: ColumnSpec, condition: string, rule: string, reason: string, withValue = true): string {
  const value = !withValue ? 'null::varchar' : c.personal ? literal(`[${c.name}]`) : r(c);
  return `select file, line, v_toewijzingnummer as record_key, '${c.name}' as col, ${value} as value, '${rule}' as rule,
    ${reason} as reason from tab_checked where ${condition}`;
}

function faultsOf(c: ColumnSpec, format: Expectation, gemeente: string): string[] {
  const x = v(c);
  const out: string[] = [];
  if (c.required) {
    out.push(fault(c, `${x} is null`, 'verplicht', literal(`Verplicht veld ${c.name} is leeg.`), false));
  }
  const invalid = `${x} is not null and ${p(c)} is null`;
  const check = c.check;
  switch (check.kind) {
    case 'gemeente':
      out.push(
        fault(
          c,
          invalid,
          'gemeente_ongeldig',
          literal('De gemeente is geen CBS-code (zoals GM0193) of gemeentecode (zoals 0193).'),
        ),
        fault(
          c,
          `${p(c)} <> ${literal(gemeente)}`,
          'gemeente_andere_inbox',
          `'Gemeente ' || ${p(c)} || ${literal(` is niet de gemeente van deze map (${gemeente}); een gemeente levert alleen eigen gegevens aan.`)}`,
        ),
      );
      break;
    case 'bsn':
      out.push(
        fault(
          c,
          `${x} is not null and not regexp_full_match(${x}, '[0-9]{9}')`,
          'bsn_ongeldig',
          literal('Het BSN moet uit 9 cijfers bestaan.'),
        ),
        fault(
          c,
          `regexp_full_match(${x}, '[0-9]{9}') and ${p(c)} is null`,
          'bsn_elfproef',
          literal('Het BSN voldoet niet aan de elfproef.'),
        ),
      );
      break;
    case 'date': {
      const matches = dateMatchesSql(x, DATE_FORMATS);
      const others = DATE_FORMATS.filter((f) => !format.dateFormats.includes(f));
      out.push(
        fault(
          c,
          `${x} is not null and not ${matches}`,
          'datum_ongeldig',
          literal(
            `${c.name} is geen datum in het formaat ${format.dateFormats.join(' of ')}${others.length > 0 ? ` (of ${others.join(', ')})` : ''}.`,
          ),
        ),
        fault(
          c,
          `${invalid} and ${matches}`,
          'datum_ongeldig',
          literal(`${c.name}: deze datum bestaat niet.`),
        ),
      );
      break;
    }
    case 'pattern':
      out.push(fault(c, invalid, 'patroon', literal(`${c.name} moet ${check.expected} zijn.`)));
      break;
    case 'codelist':
      out.push(
        fault(
          c,
          invalid,
          'code_onbekend',
          literal(`${c.name}: de code staat niet in codelijst ${check.codelist}.`),
        ),
      );
      break;
    case 'codes': {
      const allowed = Object.entries(check.codes)
        .map(([code, text]) => `${code} (${text})`)
        .join(', ');
      out.push(fault(c, invalid, 'code_onbekend', literal(`${c.name}: toegestaan zijn ${allowed}.`)));
      break;
    }
    case 'integer':
      out.push(fault(c, invalid, 'getal_ongeldig', literal(`${c.name} moet ${check.expected} zijn.`)));
      break;
    case 'amount':
      out.push(
        fault(
          c,
          invalid,
          'bedrag_ongeldig',
          `case when decimaal = 'point' then ${literal(`${c.name} is geen bedrag in euro's zoals ${amountExample.point}.`)}
            else ${literal(`${c.name} is geen bedrag in euro's zoals ${amountExample.comma}.`)} end`,
        ),
      );
      break;
    case 'postcode':
      out.push(
        fault(
          c,
          invalid,
          'postcode_ongeldig',
          literal(`${c.name} is geen Nederlandse postcode zoals 8011 AB.`),
        ),
      );
      break;
  }
  return out;
}

/** Rules that involve two columns (clientbestand). */
function crossFaults(type: TabularType): string[] {
  if (type !== 'clientbestand') return [];
  const spec = (name: string) => columnSpecs.clientbestand.find((c) => c.name === name)!;
  const einde = spec('einde_zorg');
  const reden = spec('reden_beeindiging');
  return [
    fault(
      einde,
      'p_einde_zorg < p_start_zorg',
      'einde_voor_start',
      literal('einde_zorg ligt voor start_zorg.'),
    ),
    fault(
      reden,
      'v_einde_zorg is not null and v_reden_beeindiging is null',
      'reden_ontbreekt',
      literal('einde_zorg is ingevuld maar reden_beeindiging is leeg; de reden is dan verplicht.'),
      false,
    ),
  ];
}

/** Codes per codelist from ref.codelijsten. */
type Codelists = Map<string, string[]>;

/** Per connection: ref.codelijsten does not change while an ingest runs, and every file needs it. */
const codelistCache = new WeakMap<object, Promise<Codelists>>();

function readCodelists(db: Warehouse): Promise<Codelists> {
  let lists = codelistCache.get(db);
  if (!lists) {
    lists = queryCodelists(db);
    codelistCache.set(db, lists);
    lists.catch(() => codelistCache.delete(db));
  }
  return lists;
}

async function queryCodelists(db: Warehouse): Promise<Codelists> {
  const rows = await db.all<{ codelijst: string; code: string }>(
    'select codelijst, code from ref.codelijsten order by codelijst, code',
  );
  const lists: Codelists = new Map();
  for (const r of rows) lists.set(r.codelijst, [...(lists.get(r.codelijst) ?? []), r.code]);
  return lists;
}

/**
 * Builds `tab_checked` from the staged rows of `source` (file, line and one VARCHAR per standard column;
 * normalised v_ and typed p_ values per row), and `tab_faults` with one row per fault: each rule is a
 * filtered scan, which is far cheaper than building a list per row. `gemeente`: the inbox folder's;
 * `decimals`: a table of each file's decimal mark (file, decimaal).
 */
export async function checkRows(
  db: Warehouse,
  source: string,
  decimals: string,
  gemeente: string,
  type: TabularType,
  format: Expectation,
  profile: Profile,
): Promise<void> {
  const specs = columnSpecs[type];
  const codelists = await readCodelists(db);
  const faults = [...specs.flatMap((c) => faultsOf(c, format, gemeente)), ...crossFaults(type)];
  await db.run(`create or replace temp table tab_checked as
    with trimmed as (
      select file, line, d.decimaal, ${specs.map((c) => `${trimmedSql(c)} as ${r(c)}`).join(', ')}
      from ${source} join ${decimals} d using (file)
    ), normalised as (
      select *, ${specs.map((c) => `${normalisedSql(c, profile)} as ${v(c)}`).join(', ')} from trimmed
    )
    select *, ${specs.map((c) => `${parsedSql(c, codelists)} as ${p(c)}`).join(', ')} from normalised;
    create or replace temp table tab_faults as ${faults.join('\nunion all\n')}`);
}

/** The raw table's columns and the tab_checked expression that fills each. */
const rawColumns: Record<TabularType, [string, string][]> = {
  uitkomsten: [
    ['gemeente', 'p_gemeente'],
    ['client_id', 'm.client_id'],
    ['toewijzingnummer', 'v_toewijzingnummer'],
    ['aanbieder_agb', 'v_aanbieder_agb'],
    ['productcode', 'v_productcode'],
    ['einddatum', 'p_einddatum'],
    ['informant', 'v_informant'],
    ['doelrealisatie', 'v_doelrealisatie'],
    ['tevredenheid', 'p_tevredenheid'],
    ['zonder_hulp_verder', 'v_zonder_hulp_verder'],
    ['meetdatum', 'p_meetdatum'],
  ],
  clientbestand: [
    ['gemeente', 'p_gemeente'],
    ['client_id', 'm.client_id'],
    ['geboortejaar', 'year(p_geboortedatum)'],
    ['geboortemaand', 'month(p_geboortedatum)'],
    ['geslacht', 'v_geslacht'],
    ['postcode4', 'p_postcode'],
    ['toewijzingnummer', 'v_toewijzingnummer'],
    ['aanbieder_agb', 'v_aanbieder_agb'],
    ['productcategorie', 'v_productcategorie'],
    ['productcode', 'v_productcode'],
    ['toewijzingsdatum', 'p_toewijzingsdatum'],
    ['ingangsdatum', 'p_ingangsdatum'],
    ['einddatum', 'p_einddatum'],
    ['volume', 'p_volume'],
    ['eenheid', 'v_eenheid'],
    ['frequentie', 'v_frequentie'],
    ['budget_cent', 'p_budget'],
    ['verwijzer', 'v_verwijzer'],
    ['start_zorg', 'p_start_zorg'],
    ['einde_zorg', 'p_einde_zorg'],
    ['reden_beeindiging', 'v_reden_beeindiging'],
  ],
};

export interface RowCounts {
  loaded: number;
  quarantined: number;
}

/**
 * Quarantines the faulty rows of `tab_checked` and loads the others into raw.<type>, with the BSN
 * replaced by its pseudonym (the distinct BSNs are pseudonymised in JS and joined as a mapping table).
 * `files` (the table `tab_batch_files`: file, delivery_id, gemeente, file_name, file_date) gives each
 * file's delivery; the counts are per file of the batch (a file without rows is not in them).
 */
export async function storeRows(
  db: Warehouse,
  type: TabularType,
  key: SecretKey,
): Promise<Map<number, RowCounts>> {
  const perFile = await db.all<{ file: number; loaded: number; quarantined: number }>(
    `select c.file, c.n - coalesce(f.bad, 0) as loaded, coalesce(f.bad, 0) as quarantined
     from (select file, count(*) as n from tab_checked group by file) c
     left join (select file, count(distinct line) as bad from tab_faults group by file) f using (file)`,
  );
  const counts = new Map(
    perFile.map((c) => [Number(c.file), { loaded: Number(c.loaded), quarantined: Number(c.quarantined) }]),
  );
  // Most files have no faults: a statement that would insert nothing still costs a plan and a scan.
  if ([...counts.values()].some((c) => c.quarantined > 0)) {
    await db.run(
      `insert into meta.quarantine
       select b.delivery_id, b.gemeente, b.file_name, null, line, null, col, value, rule, reason, record_key
       from tab_faults join tab_batch_files b using (file)`,
    );
  }
  const bsns = await db.all<{ bsn: string }>(
    'select distinct v_bsn as bsn from tab_checked anti join tab_faults using (file, line)',
  );
  await db.run('create or replace temp table tab_pseudonyms (bsn varchar, client_id varchar)');
  if (bsns.length > 0) {
    await db.appendRows(
      'tab_pseudonyms',
      bsns.map(({ bsn }) => [bsn, pseudonymise(key, bsn)]),
    );
  }
  const columns = rawColumns[type];
  await db.run(
    `insert into raw.${type} (delivery_id, line, file_date, ${columns.map(([c]) => c).join(', ')})
     select b.delivery_id, line, b.file_date::date, ${columns.map(([, e]) => e).join(', ')}
     from tab_checked t anti join tab_faults f using (file, line) join tab_pseudonyms m on m.bsn = t.v_bsn
       join tab_batch_files b using (file);
     drop table tab_pseudonyms; drop table tab_faults; drop table tab_checked`,
  );
  return counts;
}
