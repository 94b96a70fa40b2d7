/**
 * Arrow IPC files (`.arrow`, the Arrow "file" format, a.k.a. Feather v2) for R (`arrow::read_feather`)
 * and Python (`pyarrow.ipc.open_file`, `polars.read_ipc`). The marts are small aggregates, so the rows
 * come into JS, column by column, and are typed from DuckDB's own column types.
 *
 * Text and double columns, most of every mart, are laid out straight into Arrow buffers: the generic
 * builder encodes every string anew and makes garbage per value, which made this the slowest part of
 * the exports. The low-cardinality text columns (gemeente, periode, indicator, …) encode each distinct
 * string once.
 */
import { writeFileSync } from 'node:fs';
import {
  Bool,
  type DataType,
  DateDay,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { plainConverter, type Warehouse } from '../lib/db.js';

type ColumnType = {
  column_name: string;
  column_type: string;
};

/**
 * Buffers are sized as apache-arrow's own builders size them (a multiple of 64 bytes, at least 64), so
 * a file holds the same bytes whichever way its columns were made.
 */
function padded(bytes: number): number {
  return Math.ceil(Math.max(bytes, 1) / 64) * 64;
}

/** The validity bitmap (bit set = value present) and the number of nulls, or none when nothing is null. */
function validity(values: unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const v of values) if (v === null || v === undefined) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount };
  const nullBitmap = new Uint8Array(padded((values.length + 7) >> 3));
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

const encoder = new TextEncoder();

function utf8Column(values: unknown[]): Vector {
  const { nullBitmap, nullCount } = validity(values);
  const encoded = new Map<string, Uint8Array>();
  const parts: Array<Uint8Array | undefined> = new Array(values.length);
  let size = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    let bytes = encoded.get(text);
    if (!bytes) {
      bytes = encoder.encode(text);
      encoded.set(text, bytes);
    }
    parts[i] = bytes;
    size += bytes.length;
  });
  const valueOffsets = new Int32Array(padded((values.length + 1) * 4) / 4);
  const data = new Uint8Array(padded(size));
  let offset = 0;
  parts.forEach((bytes, i) => {
    if (bytes) {
      data.set(bytes, offset);
      offset += bytes.length;
    }
    valueOffsets[i + 1] = offset;
  });
  return makeVector(
    makeData({ type: new Utf8(), length: values.length, nullCount, nullBitmap, valueOffsets, data }),
  );
}

function float64Column(values: unknown[]): Vector {
  const { nullBitmap, nullCount } = validity(values);
  const data = new Float64Array(padded(values.length * 8) / 8);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) data[i] = Number(v);
  });
  return makeVector(makeData({ type: new Float64(), length: values.length, nullCount, nullBitmap, data }));
}

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
    return float64Column(values);
  } else if (t === 'DATE') {
    arrowType = new DateDay();
    convert = (v) => new Date(`${String(v)}T00:00:00Z`);
  } else if (t.startsWith('TIMESTAMP')) {
    arrowType = new TimestampMillisecond();
    convert = (v) => (v instanceof Date ? v : new Date(String(v)));
  } else {
    return utf8Column(values);
  }
  return vectorFromArray(
    values.map((v) => (v === null || v === undefined ? null : convert(v))),
    arrowType,
  );
}

/** Writes the relation `from` (a table name or a parenthesised query) to `path` as an Arrow IPC file. */
export async function writeArrowFile(db: Warehouse, from: string, path: string): Promise<number> {
  const types = await db.all<ColumnType>(`describe select * from ${from}`);
  await db.flushAppends();
  const reader = await db.connection.runAndReadAll(`select * from ${from}`);
  const values = reader.convertColumns(plainConverter);
  const columns: Record<string, Vector> = {};
  types.forEach(({ column_name, column_type }, i) => {
    columns[column_name] = arrowColumn(column_type, values[i] ?? []);
  });
  const table = new Table(columns);
  writeFileSync(path, tableToIPC(table, 'file'));
  return reader.currentRowCount;
}
