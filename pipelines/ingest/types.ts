/**
 * The contract between the ingest framework (discover, archive, delivery log, one transaction per file)
 * and the loaders of each file type (iJw XML/zip, uitkomsten, clientbestand).
 */
import type { Profile } from '../../schemas/profile.js';
import type { Warehouse } from '../lib/db.js';
import type { Gemeente } from '../lib/gemeenten.js';
import type { Logger } from '../lib/log.js';
import type { SecretKey } from '../lib/pseudonym.js';

export type FileType = 'ijw' | 'uitkomsten' | 'clientbestand' | 'onbekend';

/** Outcome of one delivered file (or zip member) in meta.deliveries. */
export type DeliveryResult = 'geladen' | 'deels_afgewezen' | 'afgewezen' | 'dubbel' | 'overgeslagen';

export interface DeliveredFile {
  gemeente: Gemeente;
  /** Absolute path of the file in the inbox. */
  path: string;
  /** Path relative to the gemeente's inbox folder, with `/` separators. */
  name: string;
  type: FileType;
  size: number;
  mtime: Date;
  sha256: string;
  /** The first yyyymmdd in the file name, as YYYY-MM-DD, when it is a real date. */
  fileDate: string | null;
  deliveryId: string;
}

/** One rejected record or field, as stored in meta.quarantine. */
export interface QuarantineEntry {
  memberName?: string | null;
  line?: number | null;
  elementPath?: string | null;
  column?: string | null;
  /** The offending value; never a BSN or other personal data (use '[bsn]'). */
  value?: string | null;
  rule: string;
  /** Plain Dutch, for the municipality's data officer. */
  reason: string;
  recordKey?: string | null;
}

export interface Limits {
  /** Files larger than this are refused without being read. */
  maxFileBytes: number;
  /** Zip: the most bytes all members may unpack to. */
  maxUnpackedBytes: number;
  /** Zip: the most members. */
  maxZipEntries: number;
  /** Zip: the largest unpacked/packed ratio of one member. */
  maxCompressionRatio: number;
}

export const defaultLimits: Limits = {
  maxFileBytes: 512 * 1024 * 1024,
  maxUnpackedBytes: 2 * 1024 * 1024 * 1024,
  maxZipEntries: 200_000,
  maxCompressionRatio: 200,
};

export interface LoadContext {
  /** This worker's connection, inside the file's transaction. */
  db: Warehouse;
  key: SecretKey;
  log: Logger;
  clock: () => Date;
  limits: Limits;
  /** The municipality's profile (tabular dialect), when it has one. */
  profile: Profile | undefined;
  /** Adds entries to meta.quarantine for this delivery (buffered; written in the file's transaction). */
  quarantine(entries: QuarantineEntry | QuarantineEntry[]): void;
  /**
   * For containers (zip): records one member as its own delivery (its own delivery id, for the lineage of
   * its rows) and returns that id. Rows of the member must carry the returned id.
   */
  memberDeliveryId(memberName: string, sha256: string): string;
  recordMember(member: MemberOutcome): void;
  /** True when content with this hash was already loaded for this gemeente (a re-delivery). */
  isLoaded(sha256: string): Promise<boolean>;
}

/**
 * One aspect of how a tabular file was read, against what its municipality's profile says (a row of
 * meta.dialects; delivery.md §3.4).
 */
export interface DialectFact {
  aspect: 'tekenset' | 'scheidingsteken' | 'aanhalingsteken' | 'kopregel' | 'datumformaat' | 'decimaalteken';
  /** The column, for a date format or a decimal mark. */
  kolom: string | null;
  /** What the profile says, as a data officer reads it; null when the profile leaves it to detection. */
  profiel: string | null;
  gelezen: string;
  afwijkend: boolean;
  /** The fact in plain Dutch, e.g. "scheidingsteken ';' in plaats van ','". */
  omschrijving: string;
}

export interface LoadOutcome {
  result: DeliveryResult;
  /** Why the file was rejected whole, or a short note (plain Dutch). */
  reason?: string | null;
  /** iJw message code (JW301 …) for a single message. */
  messageCode?: string | null;
  recordsRead: number;
  recordsLoaded: number;
  recordsQuarantined: number;
  recordsSkipped: number;
  /** Tabular files: what the file was read with (stored in meta.dialects). */
  dialect?: DialectFact[];
}

export interface MemberOutcome extends LoadOutcome {
  memberName: string;
  sha256: string;
  size: number;
}

/**
 * A loader's batch on one worker connection: files are read into it one by one, and loaded together by
 * `flush`, so each statement of the rules is planned and run once for many small files. The framework
 * flushes before every commit, so a batch never spans two transactions.
 */
export interface LoadBatch {
  /** Reads the file into the batch; its outcome when it is decided now (rejected whole), else null. */
  add(file: DeliveredFile, ctx: LoadContext): Promise<LoadOutcome | null>;
  /** Loads every file added since the last flush; their outcomes by delivery id. */
  flush(): Promise<Map<string, LoadOutcome>>;
}

export type Loader = ((file: DeliveredFile, ctx: LoadContext) => Promise<LoadOutcome>) & {
  /**
   * Loading in batches, optional. Loaders with the same `group` share one batch per worker, opened with
   * `open` on the worker's connection.
   */
  batch?: { group: object; open(db: Warehouse): LoadBatch };
};

export interface GemeenteSummary {
  files: number;
  rejectedFiles: number;
  rowsLoaded: number;
  rowsQuarantined: number;
}

export interface IngestSummary extends GemeenteSummary {
  /** Files already processed in an earlier run (same name and bytes, or same name, size and time), not read again. */
  skippedFiles: number;
  perGemeente: Record<string, GemeenteSummary>;
}
