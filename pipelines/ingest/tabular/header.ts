/**
 * The profile's view of one file: its format (the profile's `tabular`, overridden per type), and which
 * row is the header and which column is which standard column (aliases matched case- and
 * space-insensitively).
 */
import { Profile, type TabularFormat } from '../../../schemas/profile.js';
import type { Gemeente } from '../../lib/gemeenten.js';
import { columnSpecs, requiredColumns, type TabularType } from './columns.js';

/** Rows searched for the header when the profile does not say where it is. */
export const HEADER_SEARCH_ROWS = 20;

/** The profile of a gemeente, or the defaults (detect everything) when it has none. */
export function profileFor(gemeente: Gemeente, profile: Profile | undefined): Profile {
  return profile ?? Profile.parse({ gemeente: gemeente.cbsCode, naam: gemeente.naam });
}

/** The profile's format for one file type: `tabular` with the type's overrides. */
export function formatFor(profile: Profile, type: TabularType): TabularFormat {
  const override = Object.fromEntries(
    Object.entries(profile.types[type] ?? {}).filter(([, v]) => v !== undefined),
  );
  return { ...profile.tabular, ...override };
}

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
  match: HeaderMatch;
}

/**
 * Finds the header among the first rows: the row at `headerRow` (1-based, as numbered in `rowNumbers`)
 * when the profile says so, else the first of the rows that holds every required column. When there is
 * none, `match` is the best candidate (most required columns), for the reason.
 */
export function findHeader(
  rows: readonly (readonly string[])[],
  rowNumbers: readonly number[],
  type: TabularType,
  profile: Profile,
  headerRow: number | undefined,
): HeaderSearch {
  const empty: HeaderMatch = { positions: new Map(), names: new Map(), missing: requiredColumns(type) };
  if (headerRow !== undefined) {
    const index = rowNumbers.indexOf(headerRow);
    if (index < 0) return { index: undefined, match: empty };
    const match = matchHeader(rows[index]!, type, profile);
    return { index: match.missing.length === 0 ? index : undefined, match };
  }
  let best = empty;
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const match = matchHeader(rows[i]!, type, profile);
    if (match.missing.length === 0) return { index: i, match };
    if (match.missing.length < best.missing.length) best = match;
  }
  return { index: undefined, match: best };
}

/** Plain-Dutch reason for a file without a usable header. */
export function missingColumnsReason(
  search: HeaderSearch,
  type: TabularType,
  headerRow: number | undefined,
  unit: 'regel' | 'rij',
): string {
  const where =
    headerRow !== undefined
      ? `in ${unit} ${headerRow} (de kopregel volgens het profiel)`
      : `in de eerste ${HEADER_SEARCH_ROWS} ${unit === 'regel' ? 'regels' : 'rijen'}`;
  return `geen ${type}-bestand: verplichte kolommen ontbreken ${where}: ${search.match.missing.join(', ')}`;
}
