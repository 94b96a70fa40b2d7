/**
 * Value rules for the iJw 3.2 fields the monitor stores: each check returns the typed value or a problem
 * with a machine rule and a plain Dutch reason. The rules are those of the basisschema types (LDT_Datum,
 * LDT_Nummer, LDT_Bedrag …) and the code lists in reference/codelists/*.csv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidBsn } from '../../lib/elfproef.js';
import { referenceDir } from '../../lib/paths.js';

export interface Problem {
  rule: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (rule: string, reason: string): Checked<never> => ({ ok: false, problem: { rule, reason } });

export type CodelistName = 'COD046' | 'COD327' | 'COD467' | 'JZ002' | 'JZ020' | 'JZ588' | 'WJ756' | 'WMO757';

const codelistCache = new Map<CodelistName, Set<string>>();

/** The codes of one list from reference/codelists/<name>.csv (first column, header skipped). */
export function codelist(name: CodelistName): Set<string> {
  let codes = codelistCache.get(name);
  if (!codes) {
    const lines = readFileSync(join(referenceDir, 'codelists', `${name}.csv`), 'utf8')
      .trim()
      .split(/\r?\n/);
    codes = new Set(lines.slice(1).map((line) => line.split(',')[0]?.trim() ?? ''));
    codelistCache.set(name, codes);
  }
  return codes;
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** LDT_Datum: `YYYY-MM-DD`, a day that exists, no time zone. Returned as midnight UTC for DuckDB DATE. */
export function checkDate(text: string): Checked<Date> {
  const m = DATE.exec(text);
  if (!m) return bad('datum_ongeldig', 'geen geldige datum: verwacht JJJJ-MM-DD zonder tijdzone');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return bad('datum_ongeldig', 'deze datum bestaat niet');
  }
  return ok(date);
}

const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,6})?$/;

/** LDT_Tijd: `hh:mm:ss[.ffffff]` without zone. Returned as microseconds since midnight for DuckDB TIME. */
export function checkTime(text: string): Checked<bigint> {
  const m = TIME.exec(text);
  if (!m) return bad('tijd_ongeldig', 'geen geldige tijd: verwacht uu:mm:ss zonder tijdzone');
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || s > 59) return bad('tijd_ongeldig', 'dit tijdstip bestaat niet');
  const fraction = m[4] ? Number(m[4].slice(1).padEnd(6, '0')) : 0;
  return ok(BigInt(((h * 60 + mi) * 60 + s) * 1_000_000 + fraction));
}

/** xs:integer within [min, max], as a canonical string (leading zeros dropped). */
function checkInteger(text: string, max: number, what: string): Checked<number> {
  if (!/^[+]?[0-9]+$/.test(text)) {
    if (/^[+-]?[0-9]*[.,][0-9]+$/.test(text)) {
      return bad(
        'geen_geheel_getal',
        `${what} moet een geheel getal zijn${what === 'bedrag' ? ' (in eurocenten)' : ''}`,
      );
    }
    return bad('geen_geheel_getal', `${what} is geen geheel getal`);
  }
  const n = Number(text);
  if (n > max) return bad('buiten_bereik', `${what} is groter dan het maximum ${max}`);
  return ok(n);
}

/** LDT_Nummer (ToewijzingNummer): integer 0–999999999, stored as its canonical digits. */
export function checkNummer(text: string): Checked<string> {
  const r = checkInteger(text, 999_999_999, 'nummer');
  return r.ok ? ok(String(r.value)) : r;
}

/** LDT_Volume: integer 0–99999999. */
export function checkVolume(text: string): Checked<number> {
  return checkInteger(text, 99_999_999, 'volume');
}

/** LDT_Bedrag / LDT_Budget: whole eurocents 0–99999999. */
export function checkCent(text: string): Checked<number> {
  return checkInteger(text, 99_999_999, 'bedrag');
}

export function checkCode(text: string, list: CodelistName): Checked<string> {
  if (!codelist(list).has(text)) return bad('code_onbekend', `code komt niet voor in codelijst ${list}`);
  return ok(text);
}

/** LDT_ProductCode: 1–5 characters, not only spaces. */
export function checkProductcode(text: string): Checked<string> {
  if (text.length > 5 || text.trim() === '') {
    return bad('productcode_ongeldig', 'productcode moet 1 tot 5 tekens zijn');
  }
  return ok(text);
}

export function checkAgb(text: string): Checked<string> {
  if (!/^[0-9]{8}$/.test(text)) return bad('agb_ongeldig', 'AGB-code moet 8 cijfers zijn');
  return ok(text);
}

export function checkBsn(text: string): Checked<string> {
  if (!/^[0-9]{9}$/.test(text)) return bad('bsn_ongeldig', 'BSN moet 9 cijfers zijn');
  if (!isValidBsn(text)) return bad('bsn_elfproef', 'BSN voldoet niet aan de elfproef');
  return ok(text);
}

/** LDT_Referentie / LDT_IdentificatieBericht: 1–max characters, not only spaces. */
export function checkText(text: string, max: number): Checked<string> {
  if (text.trim() === '') return bad('leeg', 'waarde is leeg');
  if (text.length > max) return bad('te_lang', `waarde is te lang (maximaal ${max} tekens)`);
  return ok(text);
}

/** The four digits of a Dutch postcode (`8011 AB`, `8011AB`); null for anything else (abroad, malformed). */
export function postcode4(text: string | undefined): string | null {
  const m = text ? /^([1-9][0-9]{3}) ?[A-Za-z]{2}$/.exec(text.trim()) : null;
  return m?.[1] ?? null;
}
