/**
 * `rijm build`: builds the SQL models and runs the data tests on the working warehouse.
 */
import type { Command } from '../lib/command.js';
import { type RijmError, UsageError } from '../lib/errors.js';
import { dataLayout } from '../lib/paths.js';
import { preparePrivate } from '../lib/private.js';
import { openWarehouse } from '../lib/warehouse.js';
import { buildModels, parsePeildatum } from './index.js';

export const command: Command = {
  name: 'build',
  summary: 'build the warehouse models (staging, core, marts) and run the data tests',
  help: `Builds every model in sql/ in dependency order into the warehouse (<data-dir>/warehouse/rijm.duckdb)
and runs the data tests beside them. A failing model or test fails the build and changes nothing.

Options:
  --peildatum YYYY-MM-DD   the date up to which the data counts as complete (default: computed from
                           the data, capped at today); setting it makes a run reproducible`,
  options: { peildatum: { type: 'string' } },
  async run(ctx) {
    const raw = ctx.options.peildatum;
    let peildatum: string | undefined;
    if (raw !== undefined) {
      try {
        peildatum = parsePeildatum(String(raw));
      } catch (error) {
        throw new UsageError(`--peildatum: ${(error as RijmError).message}`);
      }
    }
    const layout = dataLayout(ctx.dataDir);
    preparePrivate(layout);
    const db = await openWarehouse(layout.warehouse);
    try {
      const summary = await buildModels(db, {
        ...(peildatum === undefined ? {} : { peildatum }),
        log: ctx.log,
        clock: ctx.clock,
      });
      const rows = summary.models.reduce((n, m) => n + m.rows, 0);
      ctx.out.write(
        `build ok: ${summary.models.length} models (${rows} rows), ${summary.tests} data tests passed, ` +
          `peildatum ${summary.peildatum} (${summary.peildatumBron === 'opgegeven' ? 'given' : 'computed from the data'})\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
