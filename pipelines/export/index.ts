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
import type { Warehouse } from '../lib/db.js';
import { ident, literal } from '../lib/db.js';
import { RijmError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { writeArrowFile } from './arrow.js';
import { type CsvCell, toCsvNl } from './csv.js';

/** One row of marts.indicator_values, unrounded (indicators.md §4). */
export interface IndicatorValue {
  gemeente: string;
  periode: string;
  indicator: string;
  dimensie: string;
  dimensie_waarde: string;
  teller: number | null;
  noemer: number | null;
  waarde: number | null;
  ci_laag: number | null;
  ci_hoog: number | null;
}

/**
 * The small-numbers rule of indicators.md §3 as the reports module applies it: takes the unrounded rows
 * of one gemeente (or the region) and returns the cells as they may be published, under `columns`.
 */
export interface PublicationRule {
  columns: readonly string[];
  apply(rows: IndicatorValue[]): Iterable<readonly CsvCell[]>;
}

export interface ExportOptions {
  outDir: string;
  log: Logger;
  /** Without it the published CSV is left out: unrounded figures are never published. */
  publicationRule?: PublicationRule;
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

  const hasIndicators = summary.tables.some((t) => t.table === 'marts.indicator_values');
  if (!options.publicationRule) {
    log.info('export_csv_skipped', {
      reason: 'the small-numbers rule of the reports is not available; unrounded figures are not published',
    });
  } else if (hasIndicators) {
    summary.csvFiles = await writePublishedCsv(db, join(outDir, 'csv'), options.publicationRule);
  }
  return summary;
}

/** One CSV per gemeente and one for the region, each with the rule applied to that area's own rows. */
async function writePublishedCsv(db: Warehouse, dir: string, rule: PublicationRule): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const rows = await db.all<IndicatorValue & Record<string, unknown>>(
    `select gemeente, periode, indicator, dimensie, dimensie_waarde,
            teller::double as teller, noemer::double as noemer, waarde::double as waarde,
            ci_laag::double as ci_laag, ci_hoog::double as ci_hoog
     from marts.indicator_values order by gemeente, indicator, periode, dimensie, dimensie_waarde`,
  );
  const byArea = new Map<string, IndicatorValue[]>();
  for (const r of rows) {
    const list = byArea.get(r.gemeente) ?? [];
    list.push(r);
    byArea.set(r.gemeente, list);
  }
  for (const [area, areaRows] of byArea) {
    writeFileSync(join(dir, `${area}.csv`), toCsvNl(rule.columns, rule.apply(areaRows)));
  }
  return byArea.size;
}
