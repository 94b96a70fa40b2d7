/**
 * The researchers' warehouse `rijm-onderzoek.duckdb`: the core and mart tables only, unrounded, under
 * their own pseudonyms (indicators.md §3, delivery.md §5).
 *
 * - No raw.*, meta.* or ref.* schema, so no quarantine values, delivery file names or run records.
 * - Columns that trace a row to a delivery (delivery id, file, line, message id, hash) are left out.
 * - Every client pseudonym is re-keyed with the research key (`rekeyForResearch`), so the research file
 *   cannot be joined to the operational warehouse on client; toewijzing numbers, which the operational
 *   raw tables carry next to the pseudonym, are re-keyed the same way for the same reason.
 * - Every table and column keeps its `COMMENT ON`; a column without one gets a comment that says so, and
 *   the data dictionary (Markdown) is generated from those comments.
 *
 * The re-keying runs in JS on the distinct values only (a few hundred thousand HMACs at most), written
 * to a mapping table in the session's temp catalog and joined in SQL.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { DuckDBDataChunkWriter, JSToDuckDBValueConverter } from '@duckdb/node-api';
import { ident, literal, type Warehouse } from '../lib/db.js';
import type { Logger } from '../lib/log.js';
import { rekeyForResearch, type SecretKey } from '../lib/pseudonym.js';

/** Schemas that go into the research file. */
export const researchSchemas = ['core', 'marts'] as const;

/** Columns left out: they name or point at a delivery, a file or a message. */
export const lineageColumns: ReadonlySet<string> = new Set([
  'delivery_id',
  'file_name',
  'member_name',
  'archive_path',
  'sha256',
  'line',
  'seq',
  'element_path',
  'bericht_identificatie',
  'run_id',
  'loaded_at',
]);

/** Columns whose values are re-keyed, by the kind of key (the HMAC input is prefixed with it). */
export const rekeyedColumns: Readonly<Record<string, 'client' | 'toewijzing'>> = {
  client_id: 'client',
  toewijzingnummer: 'toewijzing',
  referentie_aanbieder: 'toewijzing',
};

const rekeyComment: Record<'client' | 'toewijzing', string> = {
  client:
    'Onderzoekspseudoniem van de cliënt: per cliënt vast binnen dit bestand, niet te koppelen aan het operationele warehouse.',
  toewijzing:
    'Onderzoekssleutel van het toewijzingnummer: vast binnen dit bestand, niet te koppelen aan het operationele warehouse.',
};

export interface ResearchOptions {
  path: string;
  dictionaryPath: string;
  key: SecretKey;
  log: Logger;
  clock: () => Date;
  runId?: string;
  peildatum?: string | null;
}

export interface ResearchSummary {
  tables: Array<{ table: string; rows: number }>;
  clients: number;
}

type SourceColumn = {
  schema_name: string;
  table_name: string;
  column_name: string;
  data_type: string;
  comment: string | null;
};

function rekey(key: SecretKey, kind: 'client' | 'toewijzing', value: string): string {
  // Client pseudonyms go through the shared function; other keys get their own prefix so that a
  // toewijzing number can never produce the same research value as some client.
  return kind === 'client' ? rekeyForResearch(key, value) : key.hmac(`${kind}:${value}`);
}

async function buildMapping(
  db: Warehouse,
  key: SecretKey,
  kind: 'client' | 'toewijzing',
  sources: SourceColumn[],
): Promise<{ table: string; size: number }> {
  const table = `rijm_onderzoek_map_${kind}`;
  await db.run(
    `create or replace temp table ${table} (waarde varchar primary key, onderzoek varchar not null)`,
  );
  if (sources.length === 0) return { table: `temp.main.${table}`, size: 0 };
  const union = sources
    .map(
      (c) =>
        `select cast(${ident(c.column_name)} as varchar) as v from ${ident(c.schema_name)}.${ident(c.table_name)}`,
    )
    .join(' union ');
  const values = await db.all<{ v: string }>(`select v from (${union}) where v is not null`);
  const appender = await db.connection.createAppender(table, 'main', 'temp');
  const writer = DuckDBDataChunkWriter.forAppender(appender, { converter: JSToDuckDBValueConverter });
  for (const { v } of values) writer.appendRow([v, rekey(key, kind, v)] as never);
  writer.flush();
  appender.closeSync();
  return { table: `temp.main.${table}`, size: values.length };
}

/** Builds the research file at `options.path` (replacing it) from the core and mart tables of `db`. */
export async function buildResearchFile(db: Warehouse, options: ResearchOptions): Promise<ResearchSummary> {
  const { path, key, log } = options;
  if (existsSync(path)) rmSync(path);
  rmSync(`${path}.wal`, { force: true });

  const schemaList = researchSchemas.map(literal).join(', ');
  const columns = await db.all<SourceColumn>(
    `select schema_name, table_name, column_name, data_type, comment from duckdb_columns()
     where database_name = current_database() and schema_name in (${schemaList})
     order by schema_name, table_name, column_index`,
  );
  const tableComments = new Map<string, string | null>();
  for (const t of await db.all<{ schema_name: string; name: string; comment: string | null }>(
    `select schema_name, table_name as name, comment from duckdb_tables()
       where database_name = current_database() and schema_name in (${schemaList})
     union all
     select schema_name, view_name, comment from duckdb_views()
       where database_name = current_database() and schema_name in (${schemaList}) and not internal`,
  )) {
    tableComments.set(`${t.schema_name}.${t.name}`, t.comment);
  }

  const maps: Partial<Record<'client' | 'toewijzing', string>> = {};
  let clients = 0;
  for (const kind of ['client', 'toewijzing'] as const) {
    const sources = columns.filter((c) => rekeyedColumns[c.column_name] === kind);
    const { table, size } = await buildMapping(db, key, kind, sources);
    maps[kind] = table;
    if (kind === 'client') clients = size;
  }

  const byTable = new Map<string, SourceColumn[]>();
  for (const c of columns) {
    const name = `${c.schema_name}.${c.table_name}`;
    const list = byTable.get(name) ?? [];
    list.push(c);
    byTable.set(name, list);
  }

  const summary: ResearchSummary = { tables: [], clients };
  const comments: string[] = [];
  await db.run(`attach ${literal(path)} as rijm_onderzoek`);
  try {
    for (const schema of researchSchemas)
      await db.run(`create schema if not exists rijm_onderzoek.${ident(schema)}`);
    for (const [name, cols] of byTable) {
      const [schema, table] = name.split('.') as [string, string];
      const kept = cols.filter((c) => !lineageColumns.has(c.column_name));
      const joins: string[] = [];
      const select = kept.map((c, i) => {
        const kind = rekeyedColumns[c.column_name];
        if (!kind) return `t.${ident(c.column_name)}`;
        joins.push(
          `left join ${maps[kind]} m${i} on m${i}.waarde = cast(t.${ident(c.column_name)} as varchar)`,
        );
        return `m${i}.onderzoek as ${ident(c.column_name)}`;
      });
      const target = `rijm_onderzoek.${ident(schema)}.${ident(table)}`;
      await db.run(
        `create table ${target} as select ${select.join(', ')} from ${ident(schema)}.${ident(table)} t ${joins.join(' ')}`,
      );
      const comment = tableComments.get(name) || `${name} (geen beschrijving in het model)`;
      comments.push(`comment on table ${target} is ${literal(comment)}`);
      for (const c of kept) {
        const kind = rekeyedColumns[c.column_name];
        const text = kind ? rekeyComment[kind] : c.comment || '(geen beschrijving in het model)';
        comments.push(`comment on column ${target}.${ident(c.column_name)} is ${literal(text)}`);
      }
      const rows = (await db.one<{ n: number }>(`select count(*) as n from ${target}`))?.n ?? 0;
      summary.tables.push({ table: name, rows });
    }
    // Every comment in one statement list and one transaction: each on its own would commit, and flush
    // the file's log to disk, some three hundred times.
    await db.transaction(() => db.run(comments.join(';\n')));
    writeFileSync(options.dictionaryPath, await dataDictionary(db, 'rijm_onderzoek', options));
    await db.run('checkpoint rijm_onderzoek');
  } finally {
    await db.run('detach rijm_onderzoek');
  }
  for (const table of Object.values(maps)) await db.run(`drop table if exists ${table}`);
  log.debug('research_file', { tables: summary.tables.length, clients });
  return summary;
}

function cell(text: string | null): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

/** The data dictionary of an attached database, as Markdown, from its table and column comments. */
export async function dataDictionary(
  db: Warehouse,
  database: string,
  options: { clock: () => Date; runId?: string; peildatum?: string | null },
): Promise<string> {
  const tables = await db.all<{ schema_name: string; table_name: string; comment: string | null }>(
    `select schema_name, table_name, comment from duckdb_tables()
     where database_name = $1 order by schema_name, table_name`,
    [database],
  );
  const columns = await db.all<SourceColumn>(
    `select schema_name, table_name, column_name, data_type, comment from duckdb_columns()
     where database_name = $1 order by schema_name, table_name, column_index`,
    [database],
  );
  const lines = [
    '# Datadictionary van rijm-onderzoek.duckdb',
    '',
    `Gemaakt ${options.clock().toISOString()}${options.runId ? ` door run ${options.runId}` : ''}` +
      `${options.peildatum ? `, peildatum ${options.peildatum}` : ''}.`,
    '',
    'Het onderzoeksbestand van de Regionale IJssellandse Monitor: de core- en marttabellen, ongeafrond,',
    'met eigen onderzoekspseudoniemen. Cliënten en toewijzingen zijn binnen dit bestand te volgen, maar',
    'niet te koppelen aan het operationele warehouse of aan aanleveringen. Openen:',
    '`duckdb -readonly rijm-onderzoek.duckdb`. Dezelfde beschrijvingen staan in de database zelf:',
    '`select * from duckdb_columns()`.',
    '',
  ];
  for (const t of tables) {
    lines.push(
      `## ${t.schema_name}.${t.table_name}`,
      '',
      cell(t.comment),
      '',
      '| Kolom | Type | Betekenis |',
      '|---|---|---|',
    );
    for (const c of columns.filter((c) => c.schema_name === t.schema_name && c.table_name === t.table_name)) {
      lines.push(`| ${c.column_name} | ${c.data_type} | ${cell(c.comment)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
