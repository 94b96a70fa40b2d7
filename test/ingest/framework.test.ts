import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyFile, fileDateFromName } from '../../pipelines/ingest/discover.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import type { Loader } from '../../pipelines/ingest/types.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';

const clock = () => new Date('2026-11-23T02:00:00Z');
const key = new SecretKey('test-key-test-key-test-key-test-key', 'pseudonym');

/** A loader that stores one row per line of text in raw.uitkomsten-free scratch table and rejects 'bad' lines. */
const lineLoader: Loader = async (file, ctx) => {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file.path, 'utf8').split('\n').filter(Boolean);
  let loaded = 0;
  const rows: unknown[][] = [];
  lines.forEach((line, i) => {
    if (line === 'bad') {
      ctx.quarantine({ line: i + 1, column: 'x', value: line, rule: 'test_regel', reason: 'slechte regel' });
    } else {
      rows.push([file.deliveryId, i + 1, line]);
      loaded++;
    }
  });
  if (line0(lines) === 'throw') throw new Error('loader failure');
  await ctx.db.appendRows('scratch.lines', rows);
  return {
    result: loaded === lines.length ? 'geladen' : 'deels_afgewezen',
    recordsRead: lines.length,
    recordsLoaded: loaded,
    recordsQuarantined: lines.length - loaded,
    recordsSkipped: 0,
  };
};
const line0 = (lines: string[]) => lines[0];

describe('ingestInbox (framework)', () => {
  let inbox: string;
  let archive: string;
  let db: Warehouse;

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-'));
    inbox = join(dir, 'inbox');
    archive = join(dir, 'archive');
    mkdirSync(join(inbox, 'GM0193'), { recursive: true });
    mkdirSync(join(inbox, 'GM9999'), { recursive: true });
    db = await openWarehouse(':memory:');
    await db.run(
      'create schema scratch; create table scratch.lines (delivery_id varchar, line int, text varchar)',
    );
  });

  const run = (extra: Partial<Parameters<typeof ingestInbox>[1]> = {}) =>
    ingestInbox(db, {
      inbox,
      archiveDir: archive,
      key,
      runId: 'r1',
      log: memoryLogger(),
      clock,
      profiles: new Map(),
      loaders: { uitkomsten: lineLoader },
      ...extra,
    });

  it('loads, quarantines, refuses unknown folders and types, and records every file', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'a\nbad\nb\n');
    writeFileSync(join(inbox, 'GM0193', 'notities.txt'), 'hallo\n');
    writeFileSync(join(inbox, 'GM9999', 'uitkomsten_20260101.csv'), 'a\n');
    writeFileSync(join(inbox, 'los.csv'), 'a\n');
    const summary = await run();
    expect(summary.files).toBe(4);
    expect(summary.rejectedFiles).toBe(3);
    expect(summary.rowsLoaded).toBe(2);
    expect(summary.rowsQuarantined).toBe(1);
    const deliveries = await db.all(
      'select gemeente, file_name, result, reason is not null as has_reason, records_read, archive_path is not null as archived from meta.deliveries order by gemeente, file_name',
    );
    expect(deliveries).toEqual([
      {
        gemeente: '(inbox)',
        file_name: 'los.csv',
        result: 'afgewezen',
        has_reason: true,
        records_read: 0,
        archived: true,
      },
      {
        gemeente: 'GM0193',
        file_name: 'notities.txt',
        result: 'afgewezen',
        has_reason: true,
        records_read: 0,
        archived: true,
      },
      {
        gemeente: 'GM0193',
        file_name: 'uitkomsten_20260101.csv',
        result: 'deels_afgewezen',
        has_reason: false,
        records_read: 3,
        archived: true,
      },
      {
        gemeente: 'GM9999',
        file_name: 'uitkomsten_20260101.csv',
        result: 'afgewezen',
        has_reason: true,
        records_read: 0,
        archived: true,
      },
    ]);
    const q = await db.all('select file_name, line, rule, reason from meta.quarantine');
    expect(q).toEqual([
      { file_name: 'uitkomsten_20260101.csv', line: 2, rule: 'test_regel', reason: 'slechte regel' },
    ]);
    expect((await db.one("select reason from meta.deliveries where gemeente = 'GM9999'"))?.reason).toMatch(
      /onbekende map GM9999/,
    );
  });

  it('is idempotent, and loads the same bytes under another name once (dubbel)', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'a\nb\n');
    await run();
    const again = await run();
    expect(again.files).toBe(0);
    expect(again.skippedFiles).toBe(1);
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260102.csv'), 'a\nb\n');
    const third = await run();
    expect(third.files).toBe(1);
    expect(third.rowsLoaded).toBe(0);
    expect(await db.all('select file_name, result from meta.deliveries order by file_name')).toEqual([
      { file_name: 'uitkomsten_20260101.csv', result: 'geladen' },
      { file_name: 'uitkomsten_20260102.csv', result: 'dubbel' },
    ]);
    expect((await db.one('select count(*) as n from scratch.lines'))?.n).toBe(2);
  });

  it('does not read a file again whose name, size and modification time are those of a processed one', async () => {
    const path = join(inbox, 'GM0193', 'uitkomsten_20260101.csv');
    writeFileSync(path, 'a\nb\n');
    await run();
    const { mtime } = statSync(path);
    // The accepted limit: bytes changed in place with the same size and the old time set back are not seen.
    writeFileSync(path, 'a\nc\n');
    utimesSync(path, mtime, mtime);
    let reads = 0;
    const counting: Loader = (file, ctx) => {
      reads++;
      return lineLoader(file, ctx);
    };
    const again = await run({ loaders: { uitkomsten: counting } });
    expect(again).toMatchObject({ files: 0, skippedFiles: 1 });
    expect(reads).toBe(0);
    expect(await db.all('select text from scratch.lines order by line')).toEqual([
      { text: 'a' },
      { text: 'b' },
    ]);
  });

  it('hashes a file again when its size or modification time changed', async () => {
    const path = join(inbox, 'GM0193', 'uitkomsten_20260101.csv');
    writeFileSync(path, 'a\nb\n');
    await run();
    const later = new Date(statSync(path).mtimeMs + 60_000);
    // Rewritten with the same bytes: hashed, and still the same delivery.
    utimesSync(path, later, later);
    expect(await run()).toMatchObject({ files: 0, skippedFiles: 1 });
    // The same size, other bytes and a new time: a new delivery under the same name.
    writeFileSync(path, 'a\nc\n');
    utimesSync(path, later, new Date(later.getTime() + 60_000));
    expect(await run()).toMatchObject({ files: 1, rowsLoaded: 2 });
    // Another size, the time of the last run: read as well.
    writeFileSync(path, 'a\nc\nd\n');
    utimesSync(path, later, new Date(later.getTime() + 60_000));
    expect(await run()).toMatchObject({ files: 1, rowsLoaded: 3 });
    expect((await db.one('select count(*) as n from meta.deliveries'))?.n).toBe(3);
  });

  it('reads a file refused as too large once the limit is raised, though its time is the same', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'a\n'.repeat(100));
    expect(await run({ maxFileBytes: 50 })).toMatchObject({ rejectedFiles: 1 });
    expect(await run({ maxFileBytes: 50 })).toMatchObject({ files: 0, skippedFiles: 1 });
    expect(await run()).toMatchObject({ files: 1, rowsLoaded: 100 });
  });

  it('refuses a file over the size limit without reading it', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'a\n'.repeat(100));
    const s = await run({ maxFileBytes: 50 });
    expect(s.rejectedFiles).toBe(1);
    const d = await db.one<{ reason: string; archive_path: string | null }>(
      'select reason, archive_path from meta.deliveries',
    );
    expect(d?.reason).toMatch(/te groot: 200 bytes/);
    expect(d?.archive_path).toBeNull();
  });

  it('passes files and folders whose names start with a dot by, and says so in the log', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'a\n');
    writeFileSync(join(inbox, 'GM0193', '.uitkomsten_20260102.csv.part'), 'a\n');
    mkdirSync(join(inbox, 'GM0193', '.upload'));
    writeFileSync(join(inbox, 'GM0193', '.upload', 'uitkomsten_20260103.csv'), 'a\n');
    writeFileSync(join(inbox, '.DS_Store'), 'x');
    const log = memoryLogger();
    const summary = await run({ log });
    expect(summary.files).toBe(1);
    const warned = log.records.filter((r) => r.event === 'hidden_files_skipped');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 'warn', count: 3 });
    expect([...((warned[0]?.files ?? []) as string[])].sort()).toEqual([
      '.DS_Store',
      'GM0193/.uitkomsten_20260102.csv.part',
      'GM0193/.upload',
    ]);
    expect(await db.all("select 1 from meta.deliveries where file_name like '.%'")).toEqual([]);
  });

  it('rolls a file back whole when its loader fails, and the next run loads it', async () => {
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'throw\nb\n');
    await expect(run()).rejects.toThrow('loader failure');
    expect((await db.one('select count(*) as n from meta.deliveries'))?.n).toBe(0);
    expect((await db.one('select count(*) as n from scratch.lines'))?.n).toBe(0);
    writeFileSync(join(inbox, 'GM0193', 'uitkomsten_20260101.csv'), 'ok\nb\n');
    expect((await run()).rowsLoaded).toBe(2);
  });
});

describe('classifyFile and fileDateFromName', () => {
  it('types files by the first word of their name', () => {
    expect(classifyFile('uitkomsten_20261122.csv')).toBe('uitkomsten');
    expect(classifyFile('Clientbestand-2026.xlsx')).toBe('clientbestand');
    expect(classifyFile('ijw_301_0001.xml')).toBe('ijw');
    expect(classifyFile('bericht.XML')).toBe('ijw');
    expect(classifyFile('archief.zip')).toBe('ijw');
    expect(classifyFile('overzicht.pdf')).toBe('onbekend');
  });
  it('reads only real dates from names', () => {
    expect(fileDateFromName('uitkomsten_20261122.csv')).toBe('2026-11-22');
    expect(fileDateFromName('uitkomsten_20260231.csv')).toBeNull();
    expect(fileDateFromName('x_123420261122999.csv')).toBeNull();
  });
});
