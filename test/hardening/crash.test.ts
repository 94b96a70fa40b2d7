/**
 * Crash safety of the ingest on a real generated inbox: `rijm ingest` in a child process is SIGKILLed after
 * the k-th file it logged (mid-batch, mid-zip), for several k. Whatever the moment: no delivery is recorded
 * as loaded without its rows, and the next run ends with exactly what an uninterrupted run records.
 * The kill points of the whole nightly run (after each step, inside the publication) are in
 * test/nightly/kill.test.ts. Runs in CI or with RIJM_SLOW_TESTS=1 (it compiles the CLI and ingests the
 * inbox several times).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRegion } from '../../pipelines/generate/region.js';
import { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { compiledDir, compileProject } from '../helpers/compile.js';

const slow = Boolean(process.env.CI) || process.env.RIJM_SLOW_TESTS === '1';
const _root = join(import.meta.dirname, '..', '..');
const dist = compiledDir();
const env = {
  ...process.env,
  RIJM_PSEUDONYM_KEY: 'crash-test-pseudonym-key-0123456789abcdef',
  TZ: 'Europe/Amsterdam',
};

function ingest(
  inbox: string,
  dataDir: string,
  killAfterFiles?: number,
): Promise<{ code: number | null; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [join(dist, 'pipelines', 'cli.js'), 'ingest', '--inbox', inbox, '--data-dir', dataDir],
      { env },
    );
    let logged = 0;
    let killed = false;
    p.stderr.on('data', (d: Buffer) => {
      logged += String(d).split('"file_ingested"').length - 1;
      if (killAfterFiles !== undefined && !killed && logged >= killAfterFiles) {
        killed = true;
        p.kill('SIGKILL');
      }
    });
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, killed }));
  });
}

/** What the warehouse records, without what differs per run (run id, times). */
async function recorded(dataDir: string) {
  const db = await Warehouse.open(dataLayout(dataDir).warehouse, { readOnly: true });
  try {
    return {
      deliveries: await db.all(
        `select delivery_id, gemeente, file_name, member_name, result, reason, records_read, records_loaded,
           records_quarantined, records_skipped from meta.deliveries order by delivery_id`,
      ),
      quarantine: await db.all(
        'select delivery_id, line, element_path, rule, count(*) as n from meta.quarantine group by all order by all',
      ),
      raw: await db.all(
        `select 'jw301' as t, delivery_id, count(*) as n from raw.jw301 group by all
         union all select 'jw305', delivery_id, count(*) from raw.jw305 group by all
         union all select 'jw307', delivery_id, count(*) from raw.jw307 group by all
         union all select 'jw323', delivery_id, count(*) from raw.jw323 group by all
         union all select 'uitkomsten', delivery_id, count(*) from raw.uitkomsten group by all
         union all select 'clientbestand', delivery_id, count(*) from raw.clientbestand group by all
         order by all`,
      ),
      // A delivery recorded as loaded must have its rows; rows must belong to a recorded delivery.
      orphans: await db.all(
        `with r as (select delivery_id from raw.jw301 union all select delivery_id from raw.jw305
                    union all select delivery_id from raw.jw307 union all select delivery_id from raw.jw323
                    union all select delivery_id from raw.uitkomsten union all select delivery_id from raw.clientbestand)
         select delivery_id from r where delivery_id not in (select delivery_id from meta.deliveries)
         union all
         select d.delivery_id from meta.deliveries d where d.file_type in ('uitkomsten', 'clientbestand')
           and d.records_loaded <> (select count(*) from r where r.delivery_id = d.delivery_id)`,
      ),
    };
  } finally {
    db.close();
  }
}

describe.runIf(slow)('an ingest SIGKILLed mid-way on a generated inbox', () => {
  let template: string;
  let expected: Awaited<ReturnType<typeof recorded>>;

  beforeAll(async () => {
    await compileProject('pipelines/cli.js');
    template = mkdtempSync(join(tmpdir(), 'rijm-hard-'));
    await generateRegion(
      {
        out: join(template, 'inbox'),
        manifest: join(template, 'manifest.json'),
        seed: 5,
        scale: 0.01,
        from: 2026,
        to: 2026,
        until: '2026-11-01',
      },
      memoryLogger(),
    );
    const reference = mkdtempSync(join(tmpdir(), 'rijm-hard-'));
    cpSync(template, reference, { recursive: true });
    const run = await ingest(join(reference, 'inbox'), join(reference, 'data'));
    expect(run.code).toBe(3);
    expected = await recorded(join(reference, 'data'));
    expect(expected.deliveries.length).toBeGreaterThan(50);
    expect(expected.orphans).toEqual([]);
  }, 900_000);

  it.each([1, 7, 40, 120])(
    'killed after %i files: nothing half recorded, the next run equals an uninterrupted one',
    async (k) => {
      const copy = mkdtempSync(join(tmpdir(), 'rijm-hard-'));
      cpSync(template, copy, { recursive: true });
      const inbox = join(copy, 'inbox');
      const dataDir = join(copy, 'data');
      const first = await ingest(inbox, dataDir, k);
      expect(first.killed).toBe(true);
      if (existsSync(dataLayout(dataDir).warehouse)) {
        const partial = await recorded(dataDir);
        expect(partial.orphans).toEqual([]);
        const done = new Set(expected.deliveries.map((d) => JSON.stringify(d)));
        for (const d of partial.deliveries) expect(done.has(JSON.stringify(d))).toBe(true);
      }
      const next = await ingest(inbox, dataDir);
      expect(next.code).toBe(3);
      expect(await recorded(dataDir)).toEqual(expected);
    },
    600_000,
  );
});
