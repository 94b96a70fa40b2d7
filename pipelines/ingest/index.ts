/**
 * `ingestInbox`: reads every new file in every municipality's inbox folder into the warehouse.
 *
 * Per file: hash → archive (by hash) → skip when this name and these bytes were processed before →
 * `dubbel` when the same bytes were already loaded under another name → otherwise the type's loader runs
 * inside one transaction together with the file's quarantine rows and its meta.deliveries record, so a
 * killed run leaves each file either wholly recorded or not at all, and the next run picks it up again.
 * Municipalities are read in parallel (p-limit), each on its own connection; files of one municipality in
 * order of file date, then name.
 */
import pLimit from 'p-limit';
import type { Profile } from '../../schemas/profile.js';
import type { Warehouse } from '../lib/db.js';
import type { Logger } from '../lib/log.js';
import { loadProfiles } from '../lib/profiles.js';
import type { SecretKey } from '../lib/pseudonym.js';
import { archiveFile, deliveryIdOf, hashFile, readProblem } from './archive.js';
import { discoverInbox, type FoundFile } from './discover.js';
import { loaders as defaultLoaders } from './loaders.js';
import {
  type DeliveredFile,
  defaultLimits,
  type FileType,
  type GemeenteSummary,
  type IngestSummary,
  type Limits,
  type LoadContext,
  type Loader,
  type LoadOutcome,
  type MemberOutcome,
  type QuarantineEntry,
} from './types.js';

export interface IngestOptions {
  inbox: string;
  archiveDir: string;
  key: SecretKey;
  runId: string;
  log: Logger;
  clock: () => Date;
  /** Municipalities read at the same time (default 2). */
  concurrency?: number;
  maxFileBytes?: number;
  limits?: Partial<Limits>;
  profiles?: Map<string, Profile>;
  loaders?: Partial<Record<FileType, Loader>>;
}

interface DeliveryRow {
  deliveryId: string;
  gemeente: string;
  fileName: string;
  memberName: string | null;
  sha256: string;
  size: number;
  fileType: FileType;
  fileDate: string | null;
  receivedAt: Date | null;
  result: string;
  reason: string | null;
  messageCode: string | null;
  read: number;
  loaded: number;
  quarantined: number;
  skipped: number;
  archivePath: string | null;
}

async function insertDelivery(db: Warehouse, row: DeliveryRow, runId: string, now: Date): Promise<void> {
  await db.run(
    `insert or replace into meta.deliveries values ($1, $2, $3, $4, $5, $6, $7, $8::date, $9::timestamp, $10::timestamp, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      row.deliveryId,
      row.gemeente,
      row.fileName,
      row.memberName,
      row.sha256,
      row.size,
      row.fileType,
      row.fileDate,
      row.receivedAt ? row.receivedAt.toISOString().replace('T', ' ').replace('Z', '') : null,
      now.toISOString().replace('T', ' ').replace('Z', ''),
      runId,
      row.result,
      row.reason,
      row.messageCode,
      row.read,
      row.loaded,
      row.quarantined,
      row.skipped,
      row.archivePath,
    ],
  );
}

function emptySummary(): GemeenteSummary {
  return { files: 0, rejectedFiles: 0, rowsLoaded: 0, rowsQuarantined: 0 };
}

/** Reads every new delivery in `opts.inbox`; see the module comment for the rules. */
export async function ingestInbox(db: Warehouse, opts: IngestOptions): Promise<IngestSummary> {
  const limits: Limits = {
    ...defaultLimits,
    ...opts.limits,
    ...(opts.maxFileBytes === undefined ? {} : { maxFileBytes: opts.maxFileBytes }),
  };
  const profiles = opts.profiles ?? loadProfiles();
  const loaders = opts.loaders ?? defaultLoaders;
  const found = discoverInbox(opts.inbox, profiles);
  const byFolder = new Map<string, FoundFile[]>();
  for (const f of found) byFolder.set(f.folder, [...(byFolder.get(f.folder) ?? []), f]);

  const summary: IngestSummary = { ...emptySummary(), skippedFiles: 0, perGemeente: {} };
  const limit = pLimit(Math.max(1, opts.concurrency ?? 2));

  await Promise.all(
    [...byFolder.entries()].map(([folder, files]) =>
      limit(async () => {
        const conn = await db.connect();
        try {
          for (const file of files) {
            const key = file.gemeente?.cbsCode ?? (folder || '(inbox)');
            summary.perGemeente[key] ??= emptySummary();
            const g = summary.perGemeente[key];
            const outcome = await ingestFile(conn, file, { ...opts, limits, profiles, loaders });
            if (outcome === 'skipped') {
              summary.skippedFiles++;
              continue;
            }
            g.files++;
            summary.files++;
            if (outcome.result === 'afgewezen') {
              g.rejectedFiles++;
              summary.rejectedFiles++;
            }
            g.rowsLoaded += outcome.recordsLoaded;
            g.rowsQuarantined += outcome.recordsQuarantined;
            summary.rowsLoaded += outcome.recordsLoaded;
            summary.rowsQuarantined += outcome.recordsQuarantined;
          }
        } finally {
          conn.close();
        }
      }),
    ),
  );
  return summary;
}

function refused(reason: string): LoadOutcome {
  return {
    result: 'afgewezen',
    reason,
    recordsRead: 0,
    recordsLoaded: 0,
    recordsQuarantined: 0,
    recordsSkipped: 0,
  };
}

async function ingestFile(
  db: Warehouse,
  file: FoundFile,
  opts: IngestOptions & {
    limits: Limits;
    profiles: Map<string, Profile>;
    loaders: Partial<Record<FileType, Loader>>;
  },
): Promise<LoadOutcome | 'skipped'> {
  const gemeenteCode = file.gemeente?.cbsCode ?? (file.folder || '(inbox)');
  const tooLarge = file.size > opts.limits.maxFileBytes;
  // A file over the limit is not read at all: it is identified by name, size and time instead of its hash.
  // A file that cannot be read (no permission, vanished, a symbolic link) is refused the same way.
  const unreadable = tooLarge ? null : (file.refusal ?? (await readProblem(file.path)));
  const sha256 = tooLarge
    ? `te-groot-${file.size}-${file.mtime.getTime()}`
    : unreadable
      ? `onleesbaar-${file.size}-${file.mtime.getTime()}`
      : await hashFile(file.path);
  const seen = await db.one(
    'select 1 as x from meta.deliveries where gemeente = $1 and file_name = $2 and member_name is null and sha256 = $3',
    [gemeenteCode, file.name, sha256],
  );
  if (seen) return 'skipped';

  const deliveryId = deliveryIdOf(gemeenteCode, file.name, null, sha256);
  const archivePath = tooLarge || unreadable ? null : await archiveFile(opts.archiveDir, file.path, sha256);
  const base = {
    deliveryId,
    gemeente: gemeenteCode,
    fileName: file.name,
    memberName: null,
    sha256,
    size: file.size,
    fileType: file.type,
    fileDate: file.fileDate,
    receivedAt: file.mtime,
    archivePath,
  };
  const finish = async (
    outcome: LoadOutcome,
    members: DeliveryRow[] = [],
    quarantine: QuarantineEntry[] = [],
  ) => {
    const now = opts.clock();
    await insertQuarantine(db, deliveryId, gemeenteCode, file.name, quarantine);
    for (const m of members) await insertDelivery(db, m, opts.runId, now);
    await insertDelivery(
      db,
      {
        ...base,
        result: outcome.result,
        reason: outcome.reason ?? null,
        messageCode: outcome.messageCode ?? null,
        read: outcome.recordsRead,
        loaded: outcome.recordsLoaded,
        quarantined: outcome.recordsQuarantined,
        skipped: outcome.recordsSkipped,
      },
      opts.runId,
      now,
    );
    opts.log.info('file_ingested', {
      gemeente: gemeenteCode,
      file: file.name,
      type: file.type,
      result: outcome.result,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      read: outcome.recordsRead,
      loaded: outcome.recordsLoaded,
      quarantined: outcome.recordsQuarantined,
    });
    return outcome;
  };

  if (!file.gemeente) {
    const reason = file.folder
      ? `onbekende map ${file.folder}: geen gemeente van jeugdregio IJsselland (verwacht een CBS-code zoals GM0193)`
      : 'bestand staat niet in de map van een gemeente (verwacht <inbox>/<CBS-code>/<bestand>)';
    return db.transaction(() => finish(refused(reason)));
  }
  if (tooLarge) {
    return db.transaction(() =>
      finish(refused(`bestand te groot: ${file.size} bytes, de grens is ${opts.limits.maxFileBytes} bytes`)),
    );
  }
  if (unreadable) return db.transaction(() => finish(refused(unreadable)));
  if (file.type === 'onbekend') {
    return db.transaction(() =>
      finish(
        refused(
          'onbekend bestandstype: de naam moet beginnen met ijw_, uitkomsten_ of clientbestand_ (of eindigen op .xml of .zip)',
        ),
      ),
    );
  }
  const earlier = await db.one(
    `select file_name from meta.deliveries where gemeente = $1 and sha256 = $2 and result in ('geladen', 'deels_afgewezen') limit 1`,
    [gemeenteCode, sha256],
  );
  if (earlier) {
    return db.transaction(() =>
      finish({
        result: 'dubbel',
        reason: `dezelfde inhoud is eerder geladen als ${String(earlier.file_name)}; niet opnieuw geladen`,
        recordsRead: 0,
        recordsLoaded: 0,
        recordsQuarantined: 0,
        recordsSkipped: 0,
      }),
    );
  }
  const loader = opts.loaders[file.type];
  if (!loader) return db.transaction(() => finish(refused(`bestandstype ${file.type} wordt niet ingelezen`)));

  const delivered: DeliveredFile = {
    gemeente: file.gemeente,
    path: file.path,
    name: file.name,
    type: file.type,
    size: file.size,
    mtime: file.mtime,
    sha256,
    fileDate: file.fileDate,
    deliveryId,
  };
  return db.transaction(async () => {
    const quarantine: QuarantineEntry[] = [];
    const members: DeliveryRow[] = [];
    const ctx: LoadContext = {
      db,
      key: opts.key,
      log: opts.log,
      clock: opts.clock,
      limits: opts.limits,
      profile: opts.profiles.get(file.gemeente!.cbsCode),
      quarantine: (e) => {
        if (Array.isArray(e)) quarantine.push(...e);
        else quarantine.push(e);
      },
      memberDeliveryId: (memberName, memberSha) =>
        deliveryIdOf(gemeenteCode, file.name, memberName, memberSha),
      recordMember: (m: MemberOutcome) =>
        members.push({
          ...base,
          deliveryId: deliveryIdOf(gemeenteCode, file.name, m.memberName, m.sha256),
          memberName: m.memberName,
          sha256: m.sha256,
          size: m.size,
          archivePath,
          result: m.result,
          reason: m.reason ?? null,
          messageCode: m.messageCode ?? null,
          read: m.recordsRead,
          loaded: m.recordsLoaded,
          quarantined: m.recordsQuarantined,
          skipped: m.recordsSkipped,
        }),
      isLoaded: async (memberSha) =>
        (await db.one(
          `select 1 as x from meta.deliveries where gemeente = $1 and sha256 = $2 and result in ('geladen', 'deels_afgewezen') limit 1`,
          [gemeenteCode, memberSha],
        )) !== undefined,
    };
    const outcome = await loader(delivered, ctx);
    return finish(outcome, members, quarantine);
  });
}

async function insertQuarantine(
  db: Warehouse,
  deliveryId: string,
  gemeente: string,
  fileName: string,
  entries: QuarantineEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.appendRows(
    'meta.quarantine',
    entries.map((e) => [
      deliveryId,
      gemeente,
      fileName,
      e.memberName ?? null,
      e.line ?? null,
      e.elementPath ?? null,
      e.column ?? null,
      e.value ?? null,
      e.rule,
      e.reason,
      e.recordKey ?? null,
    ]),
  );
}
