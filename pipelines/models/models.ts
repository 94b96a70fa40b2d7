/**
 * The SQL models of `sql/`: discovery, their documentation header, and the order to build them in.
 *
 * One model per file, `sql/<layer>/<table>.sql`: the folder is the schema (staging, core, marts) and
 * the file name the table. A model is one `select`; the runner wraps it as `create or replace table`.
 * Its header is a block of `--` comment lines with tags:
 *
 *   -- @table   what the table holds (becomes COMMENT ON TABLE, with the grain)
 *   -- @grain   one row per …
 *   -- @column  <name> <what it means>   (one per column; COMMENT ON COLUMN)
 *   -- @test    not_null: a, b | unique: a, b | accepted_values <col>: x, y | relationship <col>: schema.table.col
 *
 * A line `--   more text` (two or more spaces after the dashes) continues the tag above it.
 * Data tests that are queries live beside the model in `<table>.tests.sql` (see `parseTestFile`).
 * The build order is derived from the `schema.table` references in each file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RijmError } from '../lib/errors.js';
import { projectRoot } from '../lib/paths.js';

/** The layers, in the order their folders are read; also the schemas models may be referenced by. */
export const LAYERS = ['staging', 'core', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

export type DeclaredTest =
  | { kind: 'not_null'; columns: string[] }
  | { kind: 'unique'; columns: string[] }
  | { kind: 'accepted_values'; column: string; values: string[] }
  | { kind: 'relationship'; column: string; target: string; targetColumn: string };

export interface QueryTest {
  name: string;
  /** Returns the offending rows; none means the test passes. */
  sql: string;
}

export interface Model {
  /** `schema.table`, e.g. `core.trajecten`. */
  name: string;
  layer: Layer;
  table: string;
  /** Path relative to the project root, for messages. */
  file: string;
  sql: string;
  description: string;
  grain: string;
  columns: Map<string, string>;
  tests: DeclaredTest[];
  queryTests: QueryTest[];
  /** Other models this one reads (`schema.table`), from its own SQL and its tests. */
  dependsOn: string[];
}

const referencePattern = new RegExp(`\\b(${LAYERS.join('|')})\\.([a-z_][a-z0-9_]*)\\b`, 'gi');

/** SQL with comments and string literals blanked, so only real references are found. */
function stripCommentsAndStrings(sql: string): string {
  return sql.replace(/--[^\n]*|'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (m) => (m.startsWith('"') ? m : ' '));
}

/** The `schema.table` names of models that `sql` refers to (comments and string literals ignored). */
export function findReferences(sql: string): string[] {
  const found = new Set<string>();
  for (const match of stripCommentsAndStrings(sql).matchAll(referencePattern)) {
    found.add(`${match[1]!.toLowerCase()}.${match[2]!.toLowerCase()}`);
  }
  return [...found];
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseTest(text: string, where: string): DeclaredTest {
  const m = /^(not_null|unique|accepted_values|relationship)\s*([a-z0-9_]*)\s*:\s*(.+)$/i.exec(text);
  if (!m) throw new RijmError(`${where}: cannot read @test: ${text}`);
  const [, kind, column, rest] = m as unknown as [string, string, string, string];
  switch (kind) {
    case 'not_null':
    case 'unique':
      return { kind, columns: splitList(rest) };
    case 'accepted_values':
      if (!column) throw new RijmError(`${where}: accepted_values needs a column: ${text}`);
      return { kind, column, values: splitList(rest) };
    default: {
      const target = /^([a-z_]+\.[a-z0-9_]+)\.([a-z0-9_]+)$/i.exec(rest.trim());
      if (!column || !target) {
        throw new RijmError(
          `${where}: relationship must read "relationship <col>: schema.table.col": ${text}`,
        );
      }
      return { kind: 'relationship', column, target: target[1]!.toLowerCase(), targetColumn: target[2]! };
    }
  }
}

interface Header {
  description: string;
  grain: string;
  columns: Map<string, string>;
  tests: DeclaredTest[];
}

/** Reads the tagged `--` header of a model file (see the module comment). */
export function parseHeader(sql: string, file: string): Header {
  const columns = new Map<string, string>();
  const tests: string[] = [];
  let description = '';
  let grain = '';
  let last: { set: (extra: string) => void } | undefined;
  for (const [i, line] of sql.split(/\r?\n/).entries()) {
    const m = /^--(\s*)(.*)$/.exec(line);
    if (!m) {
      last = undefined;
      continue;
    }
    const [, space, text] = m as unknown as [string, string, string];
    const tag = /^@(table|grain|column|test)\s+(.*)$/.exec(text);
    if (tag) {
      const [, name, value] = tag as unknown as [string, string, string];
      if (name === 'table') {
        description = value.trim();
        last = { set: (x) => (description += ` ${x}`) };
      } else if (name === 'grain') {
        grain = value.trim();
        last = { set: (x) => (grain += ` ${x}`) };
      } else if (name === 'column') {
        const col = /^([a-z_][a-z0-9_]*)\s+(.+)$/i.exec(value.trim());
        if (!col) throw new RijmError(`${file}:${i + 1}: @column needs a name and a description: ${line}`);
        const key = col[1]!.toLowerCase();
        if (columns.has(key)) throw new RijmError(`${file}:${i + 1}: column ${key} is documented twice`);
        columns.set(key, col[2]!.trim());
        last = { set: (x) => columns.set(key, `${columns.get(key)} ${x}`) };
      } else {
        tests.push(value.trim());
        const index = tests.length - 1;
        last = { set: (x) => (tests[index] = `${tests[index]} ${x}`) };
      }
    } else if (last && space.length >= 2 && text.trim().length > 0) {
      last.set(text.trim());
    } else {
      last = undefined;
    }
  }
  if (!description) throw new RijmError(`${file}: the header has no "-- @table" line describing the table`);
  if (!grain) throw new RijmError(`${file}: the header has no "-- @grain" line stating the grain`);
  return { description, grain, columns, tests: tests.map((t) => parseTest(t, file)) };
}

/**
 * Splits a `<table>.tests.sql` file into its tests: each starts with a line `-- test: <name>` and is a
 * query that returns the offending rows (a trailing `;` is allowed).
 */
export function parseTestFile(sql: string, file: string): QueryTest[] {
  const tests: QueryTest[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.lines.join('\n').trim().replace(/;\s*$/, '');
    if (!stripCommentsAndStrings(body).trim())
      throw new RijmError(`${file}: test ${current.name} has no query`);
    tests.push({ name: current.name, sql: body });
  };
  for (const line of sql.split(/\r?\n/)) {
    const m = /^--\s*test:\s*([a-z0-9_]+)\s*$/i.exec(line);
    if (m) {
      flush();
      current = { name: m[1]!, lines: [] };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() && !line.trim().startsWith('--')) {
      throw new RijmError(`${file}: a query before the first "-- test: <name>" line`);
    }
  }
  flush();
  return tests;
}

/** Reads every model under `dir` (default `sql/`), with its header and its tests file if any. */
export function readModels(dir: string): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    const folder = join(dir, layer);
    if (!existsSync(folder)) continue;
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.sql') && !f.endsWith('.tests.sql'))
      .sort();
    for (const fileName of files) {
      const path = join(folder, fileName);
      const file = relative(projectRoot, path).startsWith('..') ? path : relative(projectRoot, path);
      const table = fileName.slice(0, -'.sql'.length);
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) {
        throw new RijmError(`${file}: a model file name must be a table name (a-z, 0-9, _)`);
      }
      const sql = readFileSync(path, 'utf8');
      const header = parseHeader(sql, file);
      const testsPath = join(folder, `${table}.tests.sql`);
      const testsFile = `${file.slice(0, -'.sql'.length)}.tests.sql`;
      const queryTests = existsSync(testsPath)
        ? parseTestFile(readFileSync(testsPath, 'utf8'), testsFile)
        : [];
      const name = `${layer}.${table}`;
      const refs = new Set(findReferences(sql));
      models.push({
        name,
        layer,
        table,
        file,
        sql: sql.replace(/;\s*$/, ''),
        description: header.description,
        grain: header.grain,
        columns: header.columns,
        tests: header.tests,
        queryTests,
        dependsOn: [...refs],
      });
    }
  }
  return models;
}

/**
 * Orders models so each comes after every model it reads. A reference to a model that does not exist,
 * or a cycle, is an error naming the files.
 */
export function orderModels(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  for (const model of models) {
    for (const ref of model.dependsOn) {
      if (!byName.has(ref)) {
        const [schema, table] = ref.split('.');
        throw new RijmError(
          `${model.file}: refers to ${ref}, but no model defines it (expected sql/${schema}/${table}.sql)`,
        );
      }
    }
  }
  const ordered: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, path: Model[]) => {
    const s = state.get(model.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(model)), model].map((m) => m.file);
      throw new RijmError(`dependency cycle between models: ${cycle.join(' → ')}`);
    }
    state.set(model.name, 'visiting');
    for (const ref of [...model.dependsOn].sort()) visit(byName.get(ref)!, [...path, model]);
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const model of models) visit(model, []);
  return ordered;
}

/** Checks that every model a test reads exists (tests run after all models are built). */
export function checkTestReferences(models: Model[]): void {
  const names = new Set(models.map((m) => m.name));
  for (const model of models) {
    const refs = [
      ...model.queryTests.flatMap((t) => findReferences(t.sql)),
      ...model.tests.flatMap((t) =>
        t.kind === 'relationship' && (LAYERS as readonly string[]).includes(t.target.split('.')[0]!)
          ? [t.target]
          : [],
      ),
    ];
    for (const ref of refs) {
      if (!names.has(ref))
        throw new RijmError(`${model.file}: a data test refers to ${ref}, which no model defines`);
    }
  }
}
