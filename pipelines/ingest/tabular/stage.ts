/**
 * What reading a tabular file (CSV or XLSX) hands to the row rules: the staging view or table
 * `tab_rows` on the file's connection, with `line` and one VARCHAR per standard column of the type
 * (NULL when the file lacks the column), or the reason the file is rejected whole.
 */
import type { Warehouse } from '../../lib/db.js';

/** The file being loaded, for bulk inserts into meta.quarantine inside its transaction. */
export interface FileRef {
  db: Warehouse;
  deliveryId: string;
  gemeente: string;
  fileName: string;
}

export type Staged =
  | {
      ok: true;
      /** Data rows found below the header (blank rows not counted). */
      rowsRead: number;
      /** Rows already quarantined while reading (unreadable lines), not in `tab_rows`. */
      quarantinedBefore: number;
    }
  /** `detail`: the technical cause, for the log (English). */
  | { ok: false; reason: string; detail?: string };
