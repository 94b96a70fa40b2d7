/**
 * A CSV of about 150 MB is read as a stream: it loads whole in a process whose JavaScript heap is capped
 * at 96 MB, and the process's peak resident memory stays within what DuckDB and Node need, not a multiple
 * of the file. Reading the file whole (bytes, decoded text, the scratch copy) needs several times its size
 * and dies at this heap cap. About a minute on the 2-core build machine: CI only.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { BSN, UITKOMSTEN_HEADER } from './helpers.js';

const slow = Boolean(process.env.CI) || process.env.RIJM_SLOW_TESTS === '1';
const _root = join(import.meta.dirname, '..', '..');
const dist = compiledDir();

/** DuckDB's own limit in the child: its buffer pool, the one part of the process that may grow. */
const DUCKDB_MEMORY = '384MB';
/**
 * Peak RSS allowed: DuckDB's 384 MB, the 96 MB heap, and 370 MB for the rest (Node and DuckDB binaries,
 * DuckDB's allocations outside its buffer pool; measured 736 MB in all). Holding the file whole once more,
 * even as bytes outside the heap, would pass it.
 */
const MAX_PEAK_RSS_MB = 850;

/** The child: ingests the inbox and reports its counts and peak RSS (VmHWM) as JSON. */
const child = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dist, inbox, dataDir, memoryLimit] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { openWarehouse } = await load('pipelines/lib/warehouse.js');
const { ingestInbox } = await load('pipelines/ingest/index.js');
const { SecretKey } = await load('pipelines/lib/pseudonym.js');
const { memoryLogger } = await load('pipelines/lib/log.js');
const db = await openWarehouse(join(dataDir, 'rijm.duckdb'), { memoryLimit, threads: 1 });
const summary = await ingestInbox(db, {
  inbox,
  archiveDir: join(dataDir, 'archive'),
  key: new SecretKey('big-csv-test-key-big-csv-test-key-0123', 'pseudonym'),
  runId: 'big',
  log: memoryLogger(),
  clock: () => new Date(),
  maxFileBytes: 1024 * 1024 * 1024,
});
const raw = await db.one('select count(*) as n from raw.uitkomsten');
db.close();
const peakKb = Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
console.log(JSON.stringify({ files: summary.files, loaded: summary.rowsLoaded, quarantined: summary.rowsQuarantined, raw: raw.n, peakKb }));
`;

describe.runIf(slow)('a CSV of 150 MB', () => {
  let dir: string;
  let rows = 0;

  beforeAll(async () => {
    await compileProject('pipelines/ingest/index.js');
    dir = mkdtempSync(join(tmpdir(), 'rijm-big-'));
    mkdirSync(join(dir, 'inbox', 'GM0193'), { recursive: true });
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'child.mjs'), child);
    const fd = openSync(join(dir, 'inbox', 'GM0193', 'uitkomsten_20261101.csv'), 'w');
    try {
      writeSync(fd, `${UITKOMSTEN_HEADER.join(';')}\r\n`);
      const bsns = [BSN.a, BSN.b, BSN.c];
      let bytes = 0;
      while (bytes < 150 * 1024 * 1024) {
        const block: string[] = [];
        for (let i = 0; i < 10_000; i++, rows++) {
          block.push(
            `GM0193;${bsns[rows % 3]};${1000 + rows};12345678;45A07;31-10-2026;J;1;8;04;01-11-2026\r\n`,
          );
        }
        const text = block.join('');
        bytes += Buffer.byteLength(text);
        writeSync(fd, text);
      }
    } finally {
      closeSync(fd);
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads whole with a 96 MB heap, in bounded memory', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--max-old-space-size=96',
        join(dir, 'child.mjs'),
        dist,
        join(dir, 'inbox'),
        join(dir, 'data'),
        DUCKDB_MEMORY,
      ],
      { maxBuffer: 1024 * 1024 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ files: 1, loaded: rows, quarantined: 0, raw: rows });
    expect(result.peakKb / 1024, `peak RSS ${Math.round(result.peakKb / 1024)} MB`).toBeLessThan(
      MAX_PEAK_RSS_MB,
    );
  }, 600_000);
});
