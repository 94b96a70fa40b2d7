/**
 * The iJw messages examined on worker threads give the warehouse exactly what examining them in one thread
 * gives: the same rows in the same order, the same deliveries and the same quarantine. Runs the compiled
 * CLI (compiled once per test run: worker threads need JavaScript) on a generated region
 * with its planted faults, once with RIJM_INGEST_WORKERS=0 and once with 2. In CI (or with
 * RIJM_SLOW_TESTS=1) it also ingests a zip of 30,000 messages under a capped heap.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { workerCount } from '../../pipelines/ingest/ijw/pool.js';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { query } from '../nightly/helpers.js';
import { jw301, set } from './messages.js';

const run = promisify(execFile);
const _root = join(import.meta.dirname, '..', '..');
const dist = compiledDir();
const cli = join(dist, 'pipelines', 'cli.js');

/** Every column but those that name the run or the data directory. */
const tables: Record<string, string> = {
  'raw.jw301': '*',
  'raw.jw305': '*',
  'raw.jw307': '*',
  'raw.jw315': '*',
  'raw.jw323': '*',
  'meta.quarantine': '*',
  'meta.deliveries': '* exclude (loaded_at, run_id, archive_path)',
};

const slow = Boolean(process.env.CI) || process.env.RIJM_SLOW_TESTS === '1';

async function ingest(inbox: string, dataDir: string, workers: string, node: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, RIJM_INGEST_WORKERS: workers };
  delete env.RIJM_PSEUDONYM_KEY;
  const args = [...node, cli, 'ingest', '--demo', '--inbox', inbox, '--data-dir', dataDir];
  return run(process.execPath, args, {
    env,
    maxBuffer: 256 * 1024 * 1024,
  }).catch((error: { code: number; stdout: string; stderr: string }) => {
    // Exit code 3: loaded, with planted faults rejected.
    if (error.code !== 3) throw error;
    return error;
  });
}

/**
 * The table's rows per gemeente in the order they were stored, as JSON text per row. Gemeenten are read
 * side by side, so only the order within one gemeente is fixed.
 */
async function rowsOf(dataDir: string, table: string, columns: string): Promise<string[]> {
  const rows = await query(
    join(dataDir, 'warehouse', 'rijm.duckdb'),
    `select ${columns} from ${table} order by gemeente, rowid`,
  );
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
}

beforeAll(async () => {
  await compileProject('pipelines/ingest/ijw/worker.js');
}, 180_000);

describe('iJw messages on worker threads', () => {
  let dir: string;
  let single: { stderr: string };
  let threaded: { stderr: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rijm-threads-'));
    await run(process.execPath, [
      cli,
      'generate',
      '--out',
      join(dir, 'inbox'),
      '--scale',
      '0.02',
      '--seed',
      '7',
      '--from',
      '2025',
      '--to',
      '2026',
      '--until',
      '2026-06-30',
    ]);
    cpSync(join(dir, 'inbox'), join(dir, 'inbox-2'), { recursive: true, preserveTimestamps: true });
    single = await ingest(join(dir, 'inbox'), join(dir, 'one'), '0');
    threaded = await ingest(join(dir, 'inbox-2'), join(dir, 'two'), '2');
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the threads it is given', () => {
    expect(single.stderr).toContain('"event":"ijw_threads","threads":0');
    expect(threaded.stderr).toContain('"event":"ijw_threads","threads":2');
  });

  it.each(Object.entries(tables))(
    '%s is the same, row for row and in order per gemeente',
    async (table, columns) => {
      const a = await rowsOf(join(dir, 'one'), table, columns);
      const b = await rowsOf(join(dir, 'two'), table, columns);
      expect(a.length).toBe(b.length);
      expect(b).toEqual(a);
    },
  );

  it('the region has zips, faults in quarantine and messages spread over many batches', async () => {
    const [d] = await query<{ zips: bigint; members: bigint; quarantined: bigint }>(
      join(dir, 'two', 'warehouse', 'rijm.duckdb'),
      `select count(distinct file_name) filter (where file_name like '%.zip') as zips,
              count(*) filter (where member_name is not null) as members,
              (select count(*) from meta.quarantine where member_name is not null) as quarantined
         from meta.deliveries`,
    );
    expect(Number(d?.zips)).toBeGreaterThan(3);
    expect(Number(d?.members)).toBeGreaterThan(500);
    expect(Number(d?.quarantined)).toBeGreaterThan(0);
  });
});

/** A zip of `n` distinct JW301 messages (every 1000th with a BSN that fails the 11-proef). */
function bigZip(path: string, n: number): Promise<void> {
  const zip = new yazl.ZipFile();
  for (let i = 0; i < n; i++) {
    let xml = jw301({
      id: `B${String(i).padStart(9, '0')}`,
      products: [{ nummer: String(100000 + i), eind: '2025-12-31', budget: '120000' }],
    });
    if (i % 1000 === 999) xml = set(xml, 'Bsn', '123456789');
    zip.addBuffer(Buffer.from(xml), `ijw_jw301_${String(i).padStart(6, '0')}.xml`);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      writeFileSync(path, Buffer.concat(parts));
      resolve();
    });
  });
}

describe.runIf(slow)('a zip of 30,000 messages', () => {
  const members = 30_000;
  let dir: string;
  let done: { stdout: string; stderr: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rijm-bigzip-'));
    mkdirSync(join(dir, 'inbox', 'GM0193'), { recursive: true });
    await bigZip(join(dir, 'inbox', 'GM0193', 'ijw_20251231.zip'), members);
    // The heap is capped well below what keeping the messages (~140 MB of XML) or their rows would take;
    // what stays is about 0.7 KB per member (its delivery record and hash), ~20 MB here.
    done = await ingest(join(dir, 'inbox'), join(dir, 'data'), '2', [
      '--max-old-space-size=96',
      '--import',
      join(import.meta.dirname, 'fixtures', 'peak.mjs'),
    ]);
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is read whole, every message accounted for, in bounded memory', async () => {
    const db = join(dir, 'data', 'warehouse', 'rijm.duckdb');
    const [d] = await query<{ n: bigint; loaded: bigint; quarantined: bigint; rows: bigint }>(
      db,
      `select count(*) as n, sum(records_loaded) as loaded, sum(records_quarantined) as quarantined,
              (select count(*) from raw.jw301) as rows
         from meta.deliveries where member_name is not null`,
    );
    expect(Number(d?.n)).toBe(members);
    expect(Number(d?.loaded)).toBe(members - members / 1000);
    expect(Number(d?.quarantined)).toBe(members / 1000);
    expect(Number(d?.rows)).toBe(members - members / 1000);
    const peakKb = Number(/peak_rss_kb (\d+)/.exec(done.stderr)?.[1]);
    // The whole process: both worker threads, their XSD heaps and DuckDB's transaction included.
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb / 1024).toBeLessThan(1024);
  });
});

describe('RIJM_INGEST_WORKERS', () => {
  it('takes a whole number, and 0 examines in this thread', () => {
    expect(workerCount({ RIJM_INGEST_WORKERS: '0' })).toBe(0);
    expect(workerCount({ RIJM_INGEST_WORKERS: '3' })).toBe(3);
    expect(workerCount({})).toBeGreaterThanOrEqual(0);
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['two', '-1', '1.5', '1000']) {
      expect(() => workerCount({ RIJM_INGEST_WORKERS: bad })).toThrow(/RIJM_INGEST_WORKERS.*whole number/);
    }
  });
});
