/**
 * Exports of the marts for people who work outside DuckDB: Parquet partitioned by gemeente and year
 * (for R/Python/Spark, read with hive partitioning), Arrow IPC files (one per mart), and the published
 * per-gemeente figures as Dutch Excel CSV with the small-numbers rule applied.
 *
 * Writes into `outDir`, which must not exist yet: publication (pipelines/nightly/publish.ts) moves the
 * whole folder into place, so a half-written export is never seen.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type IndicatorFigure, readIndicators } from '../../reports/queries.js';
import type { Warehouse } from '../lib/db.js';
import { ident, literal } from '../lib/db.js';
import { RijmError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { writeArrowFile } from './arrow.js';
import { type CsvCell, toCsvNl } from './csv.js';

export interface ExportOptions {
  outDir: string;
  log: Logger;
}

export interface ExportSummary {
  tables: Array<{ table: string; rows: number; partitionedBy: string[] }>;
  csvFiles: number;
}

interface MartTable {
  name: string;
  columns: string[];
}

async function listMarts(db: Warehouse): Promise<MartTable[]> {
  const rows = await db.all<{ table_name: string; column_name: string }>(
    `select table_name, column_name from duckdb_columns()
     where database_name = current_database() and schema_name = 'marts'
     order by table_name, column_index`,
  );
  const byTable = new Map<string, string[]>();
  for (const r of rows) {
    const columns = byTable.get(r.table_name) ?? [];
    columns.push(r.column_name);
    byTable.set(r.table_name, columns);
  }
  return [...byTable].map(([name, columns]) => ({ name, columns }));
}

/** The year to partition by: from `periode` (`2024`, `2024-H1`) or a `jaar` column, when the mart has one. */
function yearExpression(columns: string[]): string | undefined {
  if (columns.includes('jaar')) return undefined;
  if (columns.includes('periode')) return 'left(cast(periode as varchar), 4)';
  return undefined;
}

export async function exportMarts(db: Warehouse, options: ExportOptions): Promise<ExportSummary> {
  const { outDir, log } = options;
  if (existsSync(outDir)) throw new RijmError(`the export folder already exists: ${outDir}`);
  const parquetDir = join(outDir, 'parquet');
  const arrowDir = join(outDir, 'arrow');
  mkdirSync(parquetDir, { recursive: true });
  mkdirSync(arrowDir, { recursive: true });

  const summary: ExportSummary = { tables: [], csvFiles: 0 };
  for (const mart of await listMarts(db)) {
    const table = `marts.${ident(mart.name)}`;
    const year = yearExpression(mart.columns);
    const select = year ? `select *, ${year} as jaar from ${table}` : `select * from ${table}`;
    const partitionedBy = ['gemeente', 'jaar'].filter(
      (c) => mart.columns.includes(c) || (c === 'jaar' && year),
    );
    const target = partitionedBy.length
      ? join(parquetDir, mart.name)
      : join(parquetDir, `${mart.name}.parquet`);
    const partition = partitionedBy.length ? `, partition_by (${partitionedBy.map(ident).join(', ')})` : '';
    await db.run(`copy (${select}) to ${literal(target)} (format parquet, compression zstd${partition})`);
    const rows = await writeArrowFile(db, table, join(arrowDir, `${mart.name}.arrow`));
    summary.tables.push({ table: `marts.${mart.name}`, rows, partitionedBy });
    log.debug('export_table', { table: `marts.${mart.name}`, rows, partitionedBy });
  }

  summary.csvFiles = await writePublishedCsv(db, join(outDir, 'csv'), log);
  return summary;
}

/** The columns of the published CSV: the figure as the reports show it, and why it is hidden if it is. */
export const publishedCsvColumns = [
  'gemeente',
  'periode',
  'indicator',
  'dimensie',
  'dimensie_waarde',
  'waarde',
  'ci_laag',
  'ci_hoog',
  'n',
  'status',
] as const;

/**
 * One CSV per gemeente and one for the region, every figure passed through the reports' small-numbers
 * gate (reports/disclosure.ts via `readIndicators`), so a CSV and a report never disagree. Unrounded
 * figures never reach these files: a figure the gate suppresses has an empty value and its status.
 */
async function writePublishedCsv(db: Warehouse, dir: string, log: Logger): Promise<number> {
  const indicators = await readIndicators(db);
  if (!indicators.ok) {
    log.info('export_csv_skipped', { reason: indicators.reason });
    return 0;
  }
  const byArea = new Map<string, IndicatorFigure[]>();
  for (const f of indicators.value.all()) {
    const list = byArea.get(f.gemeente) ?? [];
    list.push(f);
    byArea.set(f.gemeente, list);
  }
  mkdirSync(dir, { recursive: true });
  for (const [area, figures] of byArea) {
    figures.sort(
      (a, b) =>
        a.indicator.localeCompare(b.indicator) ||
        a.periode.localeCompare(b.periode) ||
        a.dimensie.localeCompare(b.dimensie) ||
        a.dimensieWaarde.localeCompare(b.dimensieWaarde),
    );
    const rows = figures.map((f): CsvCell[] => [
      f.gemeente,
      f.periode,
      f.indicator,
      f.dimensie,
      f.dimensieWaarde,
      f.figure.value,
      f.figure.ciLaag,
      f.figure.ciHoog,
      f.figure.n?.value ?? null,
      f.figure.status,
    ]);
    writeFileSync(join(dir, `${area}.csv`), toCsvNl(publishedCsvColumns, rows));
  }
  return byArea.size;
}
