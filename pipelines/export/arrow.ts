/**
 * Arrow IPC files (`.arrow`, the Arrow "file" format, a.k.a. Feather v2) for R (`arrow::read_feather`)
 * and Python (`pyarrow.ipc.open_file`, `polars.read_ipc`). The marts are small aggregates, so the rows
 * come into JS and are typed column by column from DuckDB's own column types.
 */
import { writeFileSync } from 'node:fs';
import {
  Bool,
  type DataType,
  DateDay,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import type { Warehouse } from '../lib/db.js';

type ColumnType = {
  column_name: string;
  column_type: string;
};

function arrowColumn(type: string, values: unknown[]): Vector {
  const t = type.toUpperCase();
  let arrowType: DataType;
  let convert: (v: unknown) => unknown;
  if (t === 'BOOLEAN') {
    arrowType = new Bool();
    convert = (v) => Boolean(v);
  } else if (['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT'].includes(t)) {
    arrowType = new Int32();
    convert = (v) => Number(v);
  } else if (['BIGINT', 'HUGEINT', 'UINTEGER', 'UBIGINT'].includes(t)) {
    arrowType = new Int64();
    convert = (v) => BigInt(v as number | bigint);
  } else if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) {
    arrowType = new Float64();
    convert = (v) => Number(v);
  } else if (t === 'DATE') {
    arrowType = new DateDay();
    convert = (v) => new Date(`${String(v)}T00:00:00Z`);
  } else if (t.startsWith('TIMESTAMP')) {
    arrowType = new TimestampMillisecond();
    convert = (v) => (v instanceof Date ? v : new Date(String(v)));
  } else {
    arrowType = new Utf8();
    convert = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  }
  return vectorFromArray(
    values.map((v) => (v === null || v === undefined ? null : convert(v))),
    arrowType,
  );
}

/** Writes the relation `from` (a table name or a parenthesised query) to `path` as an Arrow IPC file. */
export async function writeArrowFile(db: Warehouse, from: string, path: string): Promise<number> {
  const types = await db.all<ColumnType>(`describe select * from ${from}`);
  const rows = await db.all(`select * from ${from}`);
  const columns: Record<string, Vector> = {};
  for (const { column_name, column_type } of types) {
    columns[column_name] = arrowColumn(
      column_type,
      rows.map((r) => r[column_name]),
    );
  }
  const table = new Table(columns);
  writeFileSync(path, tableToIPC(table, 'file'));
  return rows.length;
}
