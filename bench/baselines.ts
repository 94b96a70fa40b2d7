/**
 * The comparisons the ingest is measured against, each run as its own process by run.ts:
 *
 * - `duckdb-csv LIST DB`: a bare DuckDB `read_csv` of each (UTF-8) file into a table, nothing else;
 * - `node-csv LIST DB MAX_ROWS`: the obvious Node way: csv-parse, a zod schema per row, one prepared
 *   INSERT per row; stops after MAX_ROWS rows and says how many bytes it got through, so run.ts can
 *   extrapolate;
 * - `saxes LIST`: the iJw files through saxes alone (zips inflated in memory), no checks, no inserts.
 *
 * LIST is a JSON file of `{ path, delimiter?, quote? }`. Each prints one JSON line with what it did.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { z } from 'zod';

interface ListEntry {
  path: string;
  delimiter?: string;
  quote?: string;
}

function readList(path: string): ListEntry[] {
  return JSON.parse(readFileSync(path, 'utf8')) as ListEntry[];
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

async function duckdbCsv(list: ListEntry[], dbPath: string) {
  const start = performance.now();
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  let rows = 0;
  let bytes = 0;
  let failed = 0;
  for (const [i, f] of list.entries()) {
    const opts = [
      'header = true',
      'all_varchar = true',
      'null_padding = false',
      'strict_mode = false',
      'ignore_errors = true',
      ...(f.delimiter ? [`delim = ${sqlString(f.delimiter)}`] : []),
      ...(f.quote ? [`quote = ${sqlString(f.quote)}`] : []),
    ].join(', ');
    bytes += readFileSync(f.path).length;
    try {
      await conn.run(`create table t${i} as select * from read_csv(${sqlString(f.path)}, ${opts})`);
    } catch {
      // A planted broken file that even the sniffer cannot read: counted, not loaded.
      failed++;
      continue;
    }
    const reader = await conn.runAndReadAll(`select count(*)::integer as n from t${i}`);
    rows += Number(reader.getRowObjects()[0]?.n ?? 0);
  }
  await conn.run('checkpoint');
  conn.closeSync();
  instance.closeSync();
  return { rows, bytes, failed, files: list.length, ms: performance.now() - start };
}

/** What a hand-written loader would check per row: cells as trimmed strings, a BSN-like first key. */
const CsvRow = z.array(z.string().trim().max(4000)).min(1);

async function nodeCsv(list: ListEntry[], dbPath: string, maxRows: number) {
  const start = performance.now();
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  const width = 40;
  const cols = Array.from({ length: width }, (_, i) => `c${i} varchar`).join(', ');
  await conn.run(`create table rows_obvious (file integer, line integer, ${cols})`);
  const insert = await conn.prepare(
    `insert into rows_obvious values (${Array.from({ length: width + 2 }, (_, i) => `$${i + 1}`).join(', ')})`,
  );
  let rows = 0;
  let bytes = 0;
  let invalid = 0;
  let complete = true;
  outer: for (const [fi, f] of list.entries()) {
    const text = readFileSync(f.path);
    const parser = parse(text, {
      delimiter: f.delimiter ?? ';',
      quote: f.quote ?? '"',
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      info: true,
    });
    let line = 0;
    const records = (async function* () {
      try {
        yield* parser as AsyncIterable<{ record: string[]; info: { lines: number } }>;
      } catch {
        // csv-parse stops at the first malformed record; the obvious way gives up on the file there.
        invalid++;
      }
    })();
    for await (const record of records) {
      line = record.info.lines;
      const parsed = CsvRow.safeParse(record.record);
      if (!parsed.success) {
        invalid++;
        continue;
      }
      const values: (string | number | null)[] = [fi, line];
      for (let c = 0; c < width; c++) values.push(parsed.data[c] ?? null);
      insert.bind(values);
      await insert.run();
      rows++;
      if (rows >= maxRows) {
        complete = false;
        // The share of this file read so far, by lines, counts towards the bytes covered.
        const lines = text.toString('utf8').split('\n').length;
        bytes += Math.round((text.length * line) / Math.max(1, lines));
        break outer;
      }
    }
    bytes += text.length;
  }
  conn.closeSync();
  instance.closeSync();
  return { rows, bytes, invalid, complete, files: list.length, ms: performance.now() - start };
}

function inflateMembers(bytes: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const members: Buffer[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(members));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (b: Buffer) => parts.push(b));
          stream.on('error', reject);
          stream.on('end', () => {
            members.push(Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

async function saxesOnly(list: ListEntry[]) {
  const start = performance.now();
  let messages = 0;
  let elements = 0;
  let bytes = 0;
  let errors = 0;
  for (const f of list) {
    const raw = readFileSync(f.path);
    bytes += raw.length;
    const isZip = raw[0] === 0x50 && raw[1] === 0x4b;
    const docs = isZip ? await inflateMembers(raw).catch(() => []) : [raw];
    for (const doc of docs) {
      messages++;
      // The same parser options as the loader: namespaces and positions on.
      const parser = new SaxesParser({ xmlns: true, position: true });
      parser.on('opentag', () => {
        elements++;
      });
      parser.on('error', () => {
        errors++;
      });
      try {
        parser.write(doc.toString('utf8')).close();
      } catch {
        errors++;
      }
    }
  }
  return { messages, elements, bytes, errors, files: list.length, ms: performance.now() - start };
}

const [mode, listPath, ...rest] = process.argv.slice(2);
if (!mode || !listPath) {
  process.stderr.write('usage: node baselines.js duckdb-csv|node-csv|saxes LIST [DB] [MAX_ROWS]\n');
  process.exit(2);
}
const list = readList(listPath);
const result =
  mode === 'duckdb-csv'
    ? await duckdbCsv(list, rest[0] ?? ':memory:')
    : mode === 'node-csv'
      ? await nodeCsv(list, rest[0] ?? ':memory:', Number(rest[1] ?? 50_000))
      : mode === 'saxes'
        ? await saxesOnly(list)
        : undefined;
if (!result) {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
