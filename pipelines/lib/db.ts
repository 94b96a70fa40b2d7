/**
 * The warehouse: one DuckDB instance and connection per database file, opened and closed explicitly.
 *
 * Values are always bound as parameters. Bulk loads go through the appender in data chunks
 * (`appendRows`), small results come back as plain JS rows (`all`): DATE as `YYYY-MM-DD`, integers as
 * numbers (bigint only beyond 2^53), DECIMAL as number. Heavy work stays in SQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBDataChunkWriter,
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  type JS,
  JSDuckDBValueConverter,
  JSToDuckDBValueConverter,
} from '@duckdb/node-api';
import { RijmError } from './errors.js';

export type SqlValue = string | number | bigint | boolean | null | Date;
export type Row = Record<string, unknown>;

/** Values as `Warehouse.all` gives them: DATE as `YYYY-MM-DD`, integers as numbers up to 2^53. */
export const plainConverter: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DATE:
      return String(value);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT: {
      const n = value as bigint;
      return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;
    }
    default:
      return JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
  }
};

export interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory limit, e.g. `'2GB'`; default `RIJM_DUCKDB_MEMORY_LIMIT`, else DuckDB's (80 % of RAM). */
  memoryLimit?: string;
  threads?: number;
}

/**
 * The memory limit for DuckDB from `RIJM_DUCKDB_MEMORY_LIMIT` (e.g. `2GB`, `1500MB`), or undefined when
 * unset. DuckDB otherwise takes up to 80 % of the machine's memory for its buffers, spilling to disk
 * beyond its limit.
 */
export function memoryLimitFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.RIJM_DUCKDB_MEMORY_LIMIT?.trim();
  if (!value) return undefined;
  if (!/^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) {
    throw new RijmError(`RIJM_DUCKDB_MEMORY_LIMIT: expected an amount such as 2GB or 1500MB, got "${value}"`);
  }
  return value;
}

export class Warehouse {
  readonly path: string;
  readonly readOnly: boolean;
  #instance: DuckDBInstance;
  #connection: DuckDBConnection;
  #closed = false;
  /** False for a handle made by `connect()`: closing it leaves the instance open. */
  #ownsInstance: boolean;
  /** Write-behind buffers of `appendRows`, per table, while `bufferAppends` is on. */
  #buffers: Map<string, unknown[][]> | null = null;
  #buffered = 0;

  private constructor(
    path: string,
    readOnly: boolean,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    ownsInstance: boolean,
  ) {
    this.path = path;
    this.readOnly = readOnly;
    this.#instance = instance;
    this.#connection = connection;
    this.#ownsInstance = ownsInstance;
  }

  /** Opens (or creates) the database file `path`; `':memory:'` for a database in memory. */
  static async open(path: string, options: OpenOptions = {}): Promise<Warehouse> {
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    const memoryLimit = options.memoryLimit ?? memoryLimitFromEnv();
    if (memoryLimit) config.memory_limit = memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    if (path !== ':memory:' && !options.readOnly) mkdirSync(dirname(path), { recursive: true });
    try {
      const instance = await DuckDBInstance.create(path, config);
      const connection = await instance.connect();
      return new Warehouse(path, options.readOnly ?? false, instance, connection, true);
    } catch (error) {
      throw new RijmError(`cannot open the warehouse ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A second connection to the same database instance, for work that runs concurrently (one per worker):
   * DuckDB runs queries of different connections in parallel, and appends from several connections do not
   * conflict. Close it when done; the instance stays open until the owning handle is closed.
   */
  async connect(): Promise<Warehouse> {
    if (this.#closed) throw new RijmError(`the warehouse ${this.path} is closed`);
    const connection = await this.#instance.connect();
    return new Warehouse(this.path, this.readOnly, this.#instance, connection, false);
  }

  get connection(): DuckDBConnection {
    if (this.#closed) throw new RijmError(`the warehouse ${this.path} is closed`);
    return this.#connection;
  }

  /**
   * Turns write-behind buffering of `appendRows` on or off. While on, appended rows are kept per table and
   * written in large chunks: before any other statement on this handle (so reads, deletes and commits
   * always see them), when many rows are waiting, or on `flushAppends()`. Many small files then cost one
   * appender per table instead of one per file. Turning it off flushes.
   */
  async bufferAppends(on: boolean): Promise<void> {
    if (!on) await this.flushAppends();
    this.#buffers = on ? (this.#buffers ?? new Map()) : null;
  }

  /** Drops the buffered rows without writing them (after a rollback). */
  discardAppends(): void {
    this.#buffers?.clear();
    this.#buffered = 0;
  }

  /** Writes every buffered row. */
  async flushAppends(): Promise<void> {
    if (!this.#buffers || this.#buffered === 0) return;
    const pending = [...this.#buffers.entries()];
    this.#buffers.clear();
    this.#buffered = 0;
    // A table whose appends gave no rows may be gone by now (a staging table dropped since).
    for (const [table, rows] of pending) if (rows.length > 0) await this.#appendNow(table, rows);
  }

  /** Runs one or more statements; parameters bind to `$1`, `$2`, … or `$name`. */
  async run(sql: string, params?: SqlValue[] | Record<string, SqlValue>): Promise<void> {
    await this.flushAppends();
    if (params === undefined) await this.connection.run(sql);
    else await this.connection.run(sql, params as Record<string, DuckDBValue>);
  }

  /** Runs a query and returns its rows as plain JS objects. */
  async all<T extends Row = Row>(sql: string, params?: SqlValue[] | Record<string, SqlValue>): Promise<T[]> {
    await this.flushAppends();
    const reader =
      params === undefined
        ? await this.connection.runAndReadAll(sql)
        : await this.connection.runAndReadAll(sql, params as Record<string, DuckDBValue>);
    return reader.convertRowObjects(plainConverter) as T[];
  }

  /** The first row of a query, or undefined. */
  async one<T extends Row = Row>(
    sql: string,
    params?: SqlValue[] | Record<string, SqlValue>,
  ): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Appends rows (arrays in the table's column order, plain JS values) to `table` through the appender,
   * in data chunks. Returns the number of rows appended.
   */
  async appendRows(table: string, rows: Iterable<unknown[]> | AsyncIterable<unknown[]>): Promise<number> {
    if (this.#buffers) {
      let list = this.#buffers.get(table);
      if (!list) {
        list = [];
        this.#buffers.set(table, list);
      }
      let n = 0;
      for await (const row of rows) {
        list.push(row);
        n++;
      }
      this.#buffered += n;
      if (this.#buffered >= 10_000) await this.flushAppends();
      return n;
    }
    return this.#appendNow(table, rows);
  }

  async #appendNow(table: string, rows: Iterable<unknown[]> | AsyncIterable<unknown[]>): Promise<number> {
    const [schema, name] = table.includes('.') ? table.split('.', 2) : [undefined, table];
    const appender = await this.connection.createAppender(name!, schema);
    const writer = DuckDBDataChunkWriter.forAppender(appender, { converter: JSToDuckDBValueConverter });
    let n = 0;
    try {
      for await (const row of rows) {
        writer.appendRow(row as never);
        n++;
      }
      writer.flush();
      appender.closeSync();
    } catch (error) {
      throw new RijmError(`cannot append to ${table} (row ${n + 1}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    return n;
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('begin transaction');
    try {
      const result = await fn();
      await this.run('commit');
      return result;
    } catch (error) {
      this.discardAppends();
      await this.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  async checkpoint(): Promise<void> {
    await this.run('checkpoint');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.closeSync();
    if (this.#ownsInstance) this.#instance.closeSync();
  }
}

/** Quotes an identifier for SQL. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL (for DDL and COMMENT ON, where parameters cannot be bound). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
