/**
 * `rijm ingest`: reads every new delivery in the inbox into the working warehouse and prints a summary per
 * municipality. Exit code 3 when any file or row was rejected.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from '../lib/command.js';
import { memoryLimitFromEnv } from '../lib/db.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { dataLayout } from '../lib/paths.js';
import { preparePrivate } from '../lib/private.js';
import { loadKey } from '../lib/pseudonym.js';
import { openWarehouse } from '../lib/warehouse.js';
import { workerCount } from './ijw/pool.js';
import { ingestInbox } from './index.js';
import type { IngestSummary } from './types.js';

/** A run id: UTC time plus a short random suffix, e.g. 20261123T020000Z-3f9a. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.[0-9]+/, '')}-${randomBytes(2).toString('hex')}`;
}

/** The per-municipality table printed after a load. */
export function formatIngestSummary(summary: IngestSummary): string {
  const rows = Object.entries(summary.perGemeente).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    'gemeente     files  rejected  rows loaded  rows in quarantine',
    ...rows.map(
      ([g, s]) =>
        `${g.padEnd(12)} ${String(s.files).padStart(5)}  ${String(s.rejectedFiles).padStart(8)}  ${String(s.rowsLoaded).padStart(11)}  ${String(s.rowsQuarantined).padStart(18)}`,
    ),
    `${'total'.padEnd(12)} ${String(summary.files).padStart(5)}  ${String(summary.rejectedFiles).padStart(8)}  ${String(summary.rowsLoaded).padStart(11)}  ${String(summary.rowsQuarantined).padStart(18)}`,
  ];
  if (summary.skippedFiles > 0)
    lines.push(`${summary.skippedFiles} file(s) were read before and left alone.`);
  return lines.join('\n');
}

export const command: Command = {
  name: 'ingest',
  summary: 'read new deliveries from the inbox into the warehouse (pseudonymised, with quarantine)',
  help: `Reads every new file in <inbox>/<CBS code>/ (iJw 3.2 XML and zips, uitkomsten and clientbestand
CSV/XLSX), archives it by content hash, pseudonymises the BSN and puts what breaks a rule in
meta.quarantine with its reason. A file already processed (same name and bytes) is not read again;
one with the name, size and modification time of a file read before is not even hashed.

Options:
  --demo               allow the public demo key when RIJM_PSEUDONYM_KEY is not set (demo data only)
  --concurrency N      municipalities read at the same time (default 2)
  --max-file-mb N      refuse files larger than N MiB without reading them (default 512)

Exit codes: 0 everything loaded, 3 files or rows were rejected, 1 failure, 2 wrong usage.
The pseudonym key comes from RIJM_PSEUDONYM_KEY or RIJM_PSEUDONYM_KEY_FILE.`,
  options: {
    demo: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'max-file-mb': { type: 'string' },
  },
  async run(ctx) {
    const concurrency = ctx.options.concurrency === undefined ? 2 : Number(ctx.options.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(
        `--concurrency: expected a whole number ≥ 1, got ${String(ctx.options.concurrency)}`,
      );
    }
    const maxMb = ctx.options['max-file-mb'] === undefined ? 512 : Number(ctx.options['max-file-mb']);
    if (!Number.isFinite(maxMb) || maxMb <= 0) {
      throw new UsageError(
        `--max-file-mb: expected a positive number, got ${String(ctx.options['max-file-mb'])}`,
      );
    }
    // Settings from the environment are checked before the first file is read.
    workerCount(ctx.env);
    memoryLimitFromEnv(ctx.env);
    const key = loadKey('pseudonym', { env: ctx.env, demo: ctx.options.demo === true, log: ctx.log });
    const layout = dataLayout(ctx.dataDir);
    preparePrivate(layout);
    const db = await openWarehouse(layout.warehouse);
    try {
      const summary = await ingestInbox(db, {
        inbox: ctx.inbox,
        archiveDir: layout.archive,
        key,
        runId: newRunId(ctx.clock()),
        log: ctx.log,
        clock: ctx.clock,
        concurrency,
        maxFileBytes: Math.round(maxMb * 1024 * 1024),
      });
      await db.checkpoint();
      ctx.out.write(`${formatIngestSummary(summary)}\n`);
      return summary.rejectedFiles > 0 || summary.rowsQuarantined > 0 ? ExitCode.rejected : ExitCode.ok;
    } finally {
      db.close();
    }
  },
};
