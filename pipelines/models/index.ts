/**
 * `buildModels`: builds every SQL model of `sql/` into the warehouse (staging → core → marts, in the
 * order their references demand), documents each table and column with COMMENT ON, and runs the data
 * tests. All of it happens in one transaction: a failing model or data test throws a RijmError and
 * leaves the warehouse as it was. The nightly run, which builds a copy it discards on failure, leaves the
 * transaction out (`atomic: false`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ident, literal, type Warehouse } from '../lib/db.js';
import { RijmError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { sqlDir as defaultSqlDir } from '../lib/paths.js';
import {
  checkTestReferences,
  type DeclaredTest,
  LAYERS,
  type Model,
  orderModels,
  readModels,
} from './models.js';

export interface BuildOptions {
  /** `YYYY-MM-DD`; computed from the data (indicators.md §1) when absent. */
  peildatum?: string;
  log: Logger;
  clock: () => Date;
  /** The folder holding macros/, staging/, core/, marts/ (default: the project's `sql/`). */
  sqlDir?: string;
  /**
   * Build in one transaction, so a failure leaves the warehouse as it was (default). The nightly run
   * turns it off: it builds a copy of the warehouse that it throws away when the build fails, and one
   * transaction over every model costs it several seconds at commit.
   */
  atomic?: boolean;
}

export interface BuildSummary {
  peildatum: string;
  /** Whether the peildatum was given or computed from the data. */
  peildatumBron: 'opgegeven' | 'berekend';
  models: { name: string; rows: number }[];
  tests: number;
}

/** How many offending rows a failing data test shows. */
const SAMPLE_ROWS = 5;

/** Validates a `YYYY-MM-DD` peildatum; returns it, or throws a RijmError saying what is wrong. */
export function parsePeildatum(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return value;
  }
  throw new RijmError(`invalid peildatum: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function loadMacros(db: Warehouse, dir: string): Promise<void> {
  const folder = join(dir, 'macros');
  if (!existsSync(folder)) return;
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    try {
      await db.run(readFileSync(join(folder, file), 'utf8'));
    } catch (error) {
      throw new RijmError(`sql/macros/${file}: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function buildModel(db: Warehouse, model: Model, inTransaction: boolean): Promise<number> {
  const target = `${ident(model.layer)}.${ident(model.table)}`;
  try {
    await db.run(`create or replace table ${target} as\n${model.sql}\n`);
  } catch (error) {
    throw new RijmError(`${model.file}: model ${model.name} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const actual = (
    await db.all<{ column_name: string }>(
      'select column_name from duckdb_columns() where schema_name = $1 and table_name = $2 order by column_index',
      [model.layer, model.table],
    )
  ).map((r) => r.column_name);
  const undocumented = actual.filter((c) => !model.columns.has(c.toLowerCase()));
  const unknown = [...model.columns.keys()].filter((c) => !actual.some((a) => a.toLowerCase() === c));
  if (undocumented.length || unknown.length) {
    const parts = [];
    if (undocumented.length) parts.push(`columns without "-- @column": ${undocumented.join(', ')}`);
    if (unknown.length) parts.push(`"-- @column" for columns the model does not have: ${unknown.join(', ')}`);
    throw new RijmError(`${model.file}: ${parts.join('; ')}`);
  }
  // One round trip for the table's comments instead of one per column; outside the build's transaction
  // they get one of their own, so they commit (and flush the log) once instead of once per column.
  const comments = [`comment on table ${target} is ${literal(`${model.description} Grain: ${model.grain}`)}`];
  for (const column of actual) {
    const text = model.columns.get(column.toLowerCase())!;
    comments.push(`comment on column ${target}.${ident(column)} is ${literal(text)}`);
  }
  if (inTransaction) await db.run(comments.join(';\n'));
  else await db.transaction(() => db.run(comments.join(';\n')));
  const count = await db.one<{ n: number }>(`select count(*)::bigint as n from ${target}`);
  return count?.n ?? 0;
}

/** The query returning the rows that break a declared test. */
function declaredTestSql(model: Model, test: DeclaredTest): { name: string; sql: string } {
  const table = `${ident(model.layer)}.${ident(model.table)}`;
  switch (test.kind) {
    case 'not_null':
      return {
        name: `not_null(${test.columns.join(', ')})`,
        sql: `select * from ${table} where ${test.columns.map((c) => `${ident(c)} is null`).join(' or ')}`,
      };
    case 'unique': {
      const cols = test.columns.map(ident).join(', ');
      return {
        name: `unique(${test.columns.join(', ')})`,
        sql: `select ${cols}, count(*) as aantal from ${table} group by ${cols} having count(*) > 1`,
      };
    }
    case 'accepted_values':
      return {
        name: `accepted_values(${test.column})`,
        sql: `select * from ${table} where ${ident(test.column)} is not null and ${ident(test.column)}::varchar not in (${test.values.map(literal).join(', ')})`,
      };
    case 'relationship': {
      const [schema, other] = test.target.split('.') as [string, string];
      return {
        name: `relationship(${test.column} → ${test.target}.${test.targetColumn})`,
        sql: `select * from ${table} t where t.${ident(test.column)} is not null and not exists (select 1 from ${ident(schema)}.${ident(other)} r where r.${ident(test.targetColumn)} = t.${ident(test.column)})`,
      };
    }
  }
}

interface TestFailure {
  model: Model;
  name: string;
  count: number;
  sample: Record<string, unknown>[];
}

async function runTests(db: Warehouse, models: Model[]): Promise<{ run: number; failures: TestFailure[] }> {
  const failures: TestFailure[] = [];
  let run = 0;
  for (const model of models) {
    const tests = [...model.tests.map((t) => declaredTestSql(model, t)), ...model.queryTests];
    for (const test of tests) {
      run++;
      let count: number;
      let sample: Record<string, unknown>[];
      try {
        count = (await db.one<{ n: number }>(`select count(*)::bigint as n from (${test.sql}) q`))?.n ?? 0;
        sample = count > 0 ? await db.all(`select * from (${test.sql}) q limit ${SAMPLE_ROWS}`) : [];
      } catch (error) {
        throw new RijmError(
          `${model.file}: data test ${test.name} could not run: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      if (count > 0) failures.push({ model, name: test.name, count, sample });
    }
  }
  return { run, failures };
}

function describeFailures(failures: TestFailure[]): string {
  const lines = [`${failures.length} data test(s) failed:`];
  for (const f of failures) {
    lines.push(`- ${f.model.file}: ${f.name}: ${f.count} row(s), e.g.`);
    for (const row of f.sample)
      lines.push(`    ${JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
  return lines.join('\n');
}

/**
 * Builds every model in dependency order and runs the data tests, in one transaction unless
 * `atomic: false`. Throws a RijmError (and, in the transaction, changes nothing) when a model, its
 * documentation or a data test fails.
 */
export async function buildModels(db: Warehouse, opts: BuildOptions): Promise<BuildSummary> {
  const dir = opts.sqlDir ?? defaultSqlDir;
  const given = opts.peildatum === undefined ? null : parsePeildatum(opts.peildatum);
  const models = orderModels(readModels(dir));
  checkTestReferences(models);
  opts.log.info('build_start', { models: models.length, peildatum: given ?? 'computed' });

  const build = async (): Promise<BuildSummary> => {
    for (const layer of LAYERS) await db.run(`create schema if not exists ${ident(layer)}`);
    await loadMacros(db, dir);
    // The run's inputs, bound as parameters; core.peildatum reads them.
    await db.run(
      'create or replace temp table build_opties as select cast($1 as date) as peildatum_opgegeven, cast($2 as date) as rundatum',
      [given, isoDate(opts.clock())],
    );
    const built: BuildSummary['models'] = [];
    for (const model of models) {
      const rows = await buildModel(db, model, opts.atomic !== false);
      built.push({ name: model.name, rows });
      opts.log.debug('model_built', { model: model.name, rows });
    }
    const { run, failures } = await runTests(db, models);
    if (failures.length) throw new RijmError(describeFailures(failures));
    const peil = await db.one<{ peildatum: string; bron: string }>(
      models.some((m) => m.name === 'core.peildatum')
        ? 'select peildatum, bron from core.peildatum'
        : "select coalesce(peildatum_opgegeven, rundatum) as peildatum, 'opgegeven' as bron from build_opties",
    );
    const summary: BuildSummary = {
      peildatum: peil?.peildatum ?? '',
      peildatumBron: peil?.bron === 'opgegeven' ? 'opgegeven' : 'berekend',
      models: built,
      tests: run,
    };
    opts.log.info('build_done', { models: built.length, tests: run, peildatum: summary.peildatum });
    return summary;
  };
  return opts.atomic === false ? await build() : await db.transaction(build);
}
