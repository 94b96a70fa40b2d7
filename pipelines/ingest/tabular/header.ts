/**
 * The header of a tabular file: which row it is and which column is which standard column (aliases of
 * the profile matched case- and space-insensitively). Used alike by the CSV and the XLSX reader, on the
 * first rows they read.
 */
import type { Profile } from '../../../schemas/profile.js';
import { columnSpecs, requiredColumns, type TabularType } from './columns.js';

/** Rows searched for the header: "the header may sit below a few title rows" (delivery.md §3.4). */
export const HEADER_SEARCH_ROWS = 20;

/** `Toewijzing nummer`, `toewijzing_nummer` and `TOEWIJZINGNUMMER` are the same name. */
export function normaliseName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .replace(/[\s_]+/g, '')
    .toLowerCase();
}

export interface HeaderMatch {
  /** For each standard column found: its 0-based position in the row. */
  positions: Map<string, number>;
  /** The file's own name of each standard column found. */
  names: Map<string, string>;
  missing: string[];
}

/** Which standard columns of `type` a row of header cells holds; aliases first, then the standard names. */
export function matchHeader(cells: readonly string[], type: TabularType, profile: Profile): HeaderMatch {
  const aliases = new Map<string, string>();
  for (const [local, standard] of Object.entries(profile.columnAliases)) {
    aliases.set(normaliseName(local), standard);
  }
  const known = new Map(columnSpecs[type].map((c) => [normaliseName(c.name), c.name]));
  const positions = new Map<string, number>();
  const names = new Map<string, string>();
  cells.forEach((cell, i) => {
    const key = normaliseName(cell);
    if (key === '') return;
    const alias = aliases.get(key);
    const standard = alias !== undefined ? known.get(normaliseName(alias)) : known.get(key);
    if (standard !== undefined && !positions.has(standard)) {
      positions.set(standard, i);
      names.set(standard, cell.trim());
    }
  });
  const missing = requiredColumns(type).filter((c) => !positions.has(c));
  return { positions, names, missing };
}

export interface HeaderSearch {
  /** Index into the rows given of the header row; undefined when none has the required columns. */
  index: number | undefined;
  /** The header's match, or the best candidate's (fewest required columns missing), for the reason. */
  match: HeaderMatch;
  /** The header is the row the profile names. */
  atProfileRow: boolean;
}

/**
 * Finds the header among the first rows (blank rows left out; `rowNumbers` their 1-based line or row):
 * the row the profile names (`headerRow`) when it holds every required column, else the first of the
 * first 20 rows that does.
 */
export function findHeader(
  rows: readonly (readonly string[])[],
  rowNumbers: readonly number[],
  type: TabularType,
  profile: Profile,
  headerRow: number | undefined,
): HeaderSearch {
  let best: HeaderMatch = { positions: new Map(), names: new Map(), missing: requiredColumns(type) };
  const consider = (i: number, atProfileRow: boolean): HeaderSearch | undefined => {
    const match = matchHeader(rows[i]!, type, profile);
    if (match.missing.length === 0) return { index: i, match, atProfileRow };
    if (match.missing.length < best.missing.length) best = match;
    return undefined;
  };
  const named = headerRow === undefined ? -1 : rowNumbers.indexOf(headerRow);
  if (named >= 0) {
    const found = consider(named, true);
    if (found) return found;
  }
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const found = consider(i, false);
    if (found) return found;
  }
  return { index: undefined, match: best, atProfileRow: false };
}

/** Where the header was looked for, for a reason: "in de eerste 20 regels" (and the profile's row). */
export function searchedWhere(headerRow: number | undefined, unit: 'regel' | 'rij'): string {
  const first = `in de eerste ${HEADER_SEARCH_ROWS} ${unit === 'regel' ? 'regels' : 'rijen'}`;
  return headerRow !== undefined && headerRow > HEADER_SEARCH_ROWS
    ? `${first} en in ${unit} ${headerRow} (de kopregel volgens het profiel)`
    : first;
}
