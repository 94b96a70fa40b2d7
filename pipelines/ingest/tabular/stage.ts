/**
 * What reading a tabular file (CSV or XLSX) hands to the row rules: its rows in the batch's staging
 * table on the file's connection, with the file's number in the batch, `line` and one VARCHAR per
 * standard column of the type (NULL when the file lacks the column), or the reason it is rejected whole.
 */
import type { Warehouse } from '../../lib/db.js';
import type { DialectFact } from './dialect.js';

/** The file being loaded, for bulk inserts into meta.quarantine inside its transaction. */
export interface FileRef {
  db: Warehouse;
  deliveryId: string;
  gemeente: string;
  fileName: string;
}

/** Where a file's rows are staged: the batch's table, under the file's number in the batch. */
export interface StageTarget {
  table: string;
  file: number;
}

export type Staged =
  | {
      ok: true;
      /** Data rows found below the header (blank rows not counted). */
      rowsRead: number;
      /** Rows already quarantined while reading (unreadable lines), not in the table. */
      quarantinedBefore: number;
      /** How the file was read so far (the values' dialect is decided with the rules). */
      dialect: DialectFact[];
    }
  /** `detail`: the technical cause, for the log (English). */
  | { ok: false; reason: string; detail?: string };
