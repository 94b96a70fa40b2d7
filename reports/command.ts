/**
 * `rijm report`: renders the monitor reports from the warehouse (read-only) into the data directory's
 * reports folder, or `--out`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../pipelines/lib/command.js';
import { Warehouse } from '../pipelines/lib/db.js';
import { ExitCode, RijmError, UsageError } from '../pipelines/lib/errors.js';
import { dataLayout } from '../pipelines/lib/paths.js';
import { renderReports } from './index.js';
import type { PdfMode } from './pdf.js';

export const command: Command = {
  name: 'report',
  summary: 'render the HTML (and PDF) reports per gemeente and for the region',
  help: `Options:
  --run-id ID      the run the colophon names (default: the latest run in the warehouse)
  --out DIR        where the reports go (default <data-dir>/reports)
  --pdf MODE       auto (when Chromium is installed), yes or no (default auto)`,
  options: {
    'run-id': { type: 'string' },
    out: { type: 'string' },
    pdf: { type: 'string', default: 'auto' },
  },
  async run(ctx) {
    const pdf = String(ctx.options.pdf ?? 'auto');
    if (pdf !== 'auto' && pdf !== 'yes' && pdf !== 'no')
      throw new UsageError(`--pdf must be auto, yes or no: ${pdf}`);
    const layout = dataLayout(ctx.dataDir);
    if (!existsSync(layout.warehouse)) throw new RijmError(`no warehouse found: ${layout.warehouse}`);
    const outDir = typeof ctx.options.out === 'string' ? resolve(ctx.options.out) : layout.reports;
    const db = await Warehouse.open(layout.warehouse, { readOnly: true });
    try {
      const runId = typeof ctx.options['run-id'] === 'string' ? ctx.options['run-id'] : undefined;
      const summary = await renderReports(db, {
        outDir,
        log: ctx.log,
        clock: ctx.clock,
        pdf: pdf as PdfMode,
        ...(runId === undefined ? {} : { runId }),
      });
      ctx.out.write(
        `${summary.reports.length} reports${summary.pdf ? ' (HTML and PDF)' : ' (HTML)'} in ${summary.outDir}\n`,
      );
    } finally {
      db.close();
    }
    return ExitCode.ok;
  },
};
