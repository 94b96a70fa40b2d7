/**
 * The dialect of a tabular file: how it is written (encoding, delimiter, quote, header row, date formats,
 * decimal mark) and what its municipality's profile expects. A profile says what a municipality agreed
 * to send, not all it will ever send (delivery.md §3.4): each step of the reader detects its part from the
 * file itself, reads with what it found when that is unambiguous, and records it here as a fact; a fact
 * that departs from the profile is shown in the municipality's data-quality section.
 */
import { type DateFormat, Profile, type TabularFormat } from '../../../schemas/profile.js';
import type { Gemeente } from '../../lib/gemeenten.js';
import type { DialectFact } from '../types.js';
import type { TabularType } from './columns.js';

/** What a profile expects of one file type: its `tabular` with the type's overrides. */
export type Expectation = TabularFormat;

export type Delimiter = ';' | ',' | '\t';
export type DecimalMark = TabularFormat['decimal'];

/** The delimiters delivery.md §3.4 allows, in the order they are tried after the profile's. */
export const DELIMITERS: readonly Delimiter[] = [';', ',', '\t'];
/** The date formats delivery.md §3.4 allows. */
export const DATE_FORMATS: readonly DateFormat[] = ['dd-mm-jjjj', 'd-m-jjjj', 'jjjj-mm-dd', 'dd/mm/jjjj'];

/** The profile of a gemeente, or the defaults (detect everything) when it has none. */
export function profileFor(gemeente: Gemeente, profile: Profile | undefined): Profile {
  return profile ?? Profile.parse({ gemeente: gemeente.cbsCode, naam: gemeente.naam });
}

/** The profile's expectation for one file type: `tabular` with the type's overrides. */
export function expectationFor(profile: Profile, type: TabularType): Expectation {
  const override = Object.fromEntries(
    Object.entries(profile.types[type] ?? {}).filter(([, v]) => v !== undefined),
  );
  return { ...profile.tabular, ...override };
}

export type { DialectFact };
export type Aspect = DialectFact['aspect'];

export const delimiterLabel = (d: string) => (d === '\t' ? 'tab' : `'${d}'`);
export const quoteLabel = (q: string) => (q === "'" ? `"'"` : `'${q}'`);
export const decimalLabel = (m: DecimalMark) => (m === 'comma' ? "','" : "'.'");

/** A fact whose departure is told as "<aspect> <gelezen> in plaats van <profiel>". */
export function fact(
  aspect: Aspect,
  profiel: string | null,
  gelezen: string,
  afwijkend: boolean,
  kolom: string | null = null,
): DialectFact {
  const where = kolom === null ? '' : ` (kolom ${kolom})`;
  const omschrijving = afwijkend
    ? `${aspect} ${gelezen} in plaats van ${profiel ?? 'wat het profiel zegt'}${where}`
    : `${aspect} ${gelezen}${where}`;
  return { aspect, kolom, profiel, gelezen, afwijkend, omschrijving };
}

/** The header row's fact: `at` where it was found, `profiel` the profile's row (if it names one). */
export function headerFact(at: number, profiel: number | undefined, unit: 'regel' | 'rij'): DialectFact {
  const f = fact(
    'kopregel',
    profiel === undefined ? null : `${unit} ${profiel}`,
    `${unit} ${at}`,
    profiel !== undefined && at !== profiel,
  );
  return f.afwijkend
    ? { ...f, omschrijving: `kopregel op ${unit} ${at} in plaats van ${unit} ${profiel}` }
    : { ...f, omschrijving: `kopregel op ${unit} ${at}` };
}
