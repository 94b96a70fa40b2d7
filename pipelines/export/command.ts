/**
 * `rijm export`: writes the exports of the published warehouse again (the nightly run does this as one
 * of its steps). By default into `<data-dir>/published/exports`, swapped into place as a whole; with
 * `--out DIR` into a new folder of your own.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../lib/command.js';
import { Warehouse } from '../lib/db.js';
import { ExitCode, RijmError } from '../lib/errors.js';
import { dataLayout } from '../lib/paths.js';
import { preparePrivate } from '../lib/private.js';
import { acquireLock } from '../nightly/lock.js';
import { clearWork, publishDirectory, publishedNames } from '../nightly/publish.js';
import { makeRunId } from '../nightly/run.js';
import { exportMarts } from './index.js';

export const command: Command = {
  name: 'export',
  summary: 'write the marts as Parquet and Arrow, and the published figures as CSV',
  help: `Exports the marts of the published warehouse (<data-dir>/published/rijm.duckdb):
  parquet/<mart>/gemeente=GM…/jaar=…/*.parquet   partitioned, read with hive partitioning
  arrow/<mart>.arrow                              Arrow IPC files for R (arrow) and Python (pyarrow, polars)
  csv/<GM code>.csv, csv/IJsselland.csv           the published figures (small-numbers rule applied),
                                                  for Excel: ';', decimal comma, UTF-8 with BOM
The nightly run writes the same exports as one of its steps.

Options:
  --out DIR   write into DIR (must not exist yet) instead of publishing to <data-dir>/published/exports`,
  options: { out: { type: 'string' } },
  async run(ctx) {
    const layout = dataLayout(ctx.dataDir);
    const source = join(layout.published, publishedNames.warehouse);
    if (!existsSync(source)) throw new RijmError(`nothing published yet: ${source} (run rijm nightly first)`);
    const runId = makeRunId(
      ctx.clock(),
      Math.floor(Math.random() * 0x1000000)
        .toString(16)
        .padStart(6, '0'),
    );
    const out = typeof ctx.options.out === 'string' ? resolve(ctx.options.out) : undefined;
    if (out && existsSync(out)) throw new RijmError(`the export folder already exists: ${out}`);
    // The lock keeps a nightly run from swapping the exports link at the same moment.
    if (!out) preparePrivate(layout);
    const lock = out
      ? undefined
      : await acquireLock(layout.lockFile, {
          owner: { pid: process.pid, runId, startedAt: ctx.clock().toISOString(), command: 'export' },
          log: ctx.log,
        });
    try {
      if (lock) clearWork(layout);
      const target = out ?? join(layout.work, runId, publishedNames.exports);
      const db = await Warehouse.open(source, { readOnly: true });
      let summary: Awaited<ReturnType<typeof exportMarts>>;
      try {
        summary = await exportMarts(db, { outDir: target, log: ctx.log });
      } finally {
        db.close();
      }
      const where = out ?? (await publishDirectory(layout, target, 'exports', runId));
      if (lock) clearWork(layout);
      ctx.out.write(
        `Exported ${summary.tables.length} mart(s) and ${summary.csvFiles} CSV file(s) to ${where}\n`,
      );
      return ExitCode.ok;
    } finally {
      lock?.release();
    }
  },
};
