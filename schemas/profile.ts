/**
 * A municipality's profile: how its own exports (uitkomsten, clientbestand) look, so the tabular ingest
 * can read them without code of its own (delivery.md §3.4). Profiles are data, in profiles/<GM code>.json,
 * validated here when loaded; adding a municipality or a changed export is a profile change.
 */
import { z } from 'zod';

export const DateFormat = z.enum(['dd-mm-jjjj', 'd-m-jjjj', 'jjjj-mm-dd', 'dd/mm/jjjj']);
export type DateFormat = z.infer<typeof DateFormat>;

/**
 * How one kind of tabular file is written, as the municipality agreed: what the reader expects. Each
 * file's dialect is detected from the file itself, and what departs from this is reported (delivery.md
 * §3.4). Every field may be overridden per file type.
 */
export const TabularFormat = z.strictObject({
  /** The expected encoding; `detect`: none expected. */
  encoding: z.enum(['detect', 'utf-8', 'windows-1252', 'utf-16le', 'utf-16be']).default('detect'),
  delimiter: z.enum([';', ',', '\t', 'detect']).default('detect'),
  quote: z.string().length(1).default('"'),
  /** The expected formats of text dates (all four are read); XLSX date cells are dates whatever this says. */
  dateFormats: z.array(DateFormat).min(1).default(['dd-mm-jjjj', 'jjjj-mm-dd']),
  /** `comma`: 1.234,50; `point`: 1234.50 (or 1,234.50). */
  decimal: z.enum(['comma', 'point']).default('comma'),
  /**
   * 1-based row of the header. When it does not hold the file type's required columns, or is absent: the
   * first of the first 20 rows that does (title rows above it are skipped).
   */
  headerRow: z.number().int().min(1).max(1000).optional(),
  /** XLSX: the sheet to read; absent: the first sheet that has the header row. */
  sheet: z.string().min(1).optional(),
});
export type TabularFormat = z.infer<typeof TabularFormat>;

const FileType = z.enum(['uitkomsten', 'clientbestand']);

export const Profile = z.strictObject({
  gemeente: z.string().regex(/^GM[0-9]{4}$/, 'expected a CBS code like GM0193'),
  naam: z.string().min(1),
  /** Free text: which system the exports come from, who to ask. */
  toelichting: z.string().optional(),
  /** Regular expressions on the file name per type; default: the name starts with the type and `_`. */
  filePatterns: z.partialRecord(FileType, z.string().min(1)).default({}),
  tabular: TabularFormat.default(TabularFormat.parse({})),
  /** Overrides of `tabular` for one file type. */
  types: z.partialRecord(FileType, TabularFormat.partial()).default({}),
  /**
   * Local column names mapped to the standard ones of delivery.md §3.2/§3.3. Keys are matched case- and
   * space-insensitively (`Toewijzing nummer` = `toewijzingnummer`).
   */
  columnAliases: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Per standard column, local code spellings mapped to the standard code, e.g. informant: {jeugdige: J}. */
  codeMaps: z.record(z.string().min(1), z.record(z.string(), z.string())).default({}),
  /** Expected delivery rhythm in days (for "overdue" in `rijm status`). */
  leverritmeDagen: z.number().int().positive().default(31),
});
export type Profile = z.infer<typeof Profile>;
