/**
 * The demo region (pipelines/generate) through the iJw loader: exactly the planted faults end up in
 * quarantine or as refused files, and every message and product read is loaded, quarantined or skipped.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fault, FileEntry, Totals } from '../../pipelines/generate/manifest.js';
import { generateRegion } from '../../pipelines/generate/region.js';
import { loadIjwFile } from '../../pipelines/ingest/ijw/index.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { key } from './helpers.js';

interface Manifest {
  files: FileEntry[];
  faults: Fault[];
  totals: Record<string, Totals>;
}

const recordFaults = new Set(['bsn_elfproef', 'datum_ongeldig', 'code_onbekend', 'andere_gemeente']);

describe('ijw loader on the demo region', () => {
  let db: Warehouse;
  let manifest: Manifest;
  let ijwFiles: Set<string>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-demo-'));
    const inbox = join(dir, 'inbox');
    await generateRegion(
      {
        out: inbox,
        manifest: join(dir, 'manifest.json'),
        seed: 7,
        scale: 0.01,
        from: 2025,
        to: 2025,
        until: '2025-12-31',
      },
      memoryLogger(),
    );
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    ijwFiles = new Set(manifest.files.filter((f) => f.type === 'ijw').map((f) => `${f.gemeente}/${f.name}`));
    db = await openWarehouse(':memory:');
    await ingestInbox(db, {
      inbox,
      archiveDir: join(dir, 'archive'),
      key,
      runId: 'demo',
      log: memoryLogger(),
      clock: () => new Date('2026-01-02T02:00:00Z'),
      loaders: { ijw: loadIjwFile },
    });
  }, 400_000);

  /**
   * Of two files with the same bytes (a planted `dubbel_bestand`), whichever the framework reads first is
   * loaded and the other is `dubbel`; faults inside them are compared under the original's name. The
   * generator writes `Product` for the first of a list where the loader writes `Product[1]`.
   */
  const same = (gemeente: string, file: string) => {
    const copy = manifest.faults.find(
      (f) => f.rule === 'dubbel_bestand' && f.gemeente === gemeente && f.file === file,
    );
    return copy?.value ?? file;
  };

  it('puts exactly the planted record faults in quarantine, at their element path', async () => {
    const planted = manifest.faults
      .filter((f) => recordFaults.has(f.rule) && ijwFiles.has(`${f.gemeente}/${f.file}`))
      .map((f) => `${f.gemeente} ${same(f.gemeente, f.file)} ${f.member ?? '-'} ${f.path}`)
      .sort();
    const found = (
      await db.all<{ g: string; f: string; m: string; p: string }>(
        `select distinct q.gemeente as g, q.file_name as f, coalesce(q.member_name, '-') as m, q.element_path as p
           from meta.quarantine q join meta.deliveries d using (delivery_id) where d.file_type = 'ijw'`,
      )
    )
      .map((r) => `${r.g} ${same(r.g, r.f)} ${r.m} ${r.p.replaceAll('[1]', '')}`)
      .sort();
    expect(planted.length).toBeGreaterThan(0);
    expect(found).toEqual(planted);
  });

  it('refuses the truncated, foreign and duplicate iJw files as planted, and nothing else', async () => {
    const expected = manifest.faults
      .filter(
        (f) =>
          ['bestand_afgekapt', 'namespace_onbekend', 'dubbel_bestand'].includes(f.rule) &&
          ijwFiles.has(`${f.gemeente}/${f.file}`),
      )
      .map(
        (f) =>
          `${f.gemeente} ${f.file} ${f.member ?? '-'} ${f.rule === 'dubbel_bestand' ? 'dubbel' : 'afgewezen'}`,
      )
      .sort();
    const refused = (
      await db.all<{ k: string }>(
        `select gemeente || ' ' || file_name || ' ' || coalesce(member_name, '-') || ' ' || result as k from meta.deliveries
          where file_type = 'ijw' and result in ('afgewezen', 'dubbel')
            and not exists (select 1 from meta.quarantine q where q.delivery_id = meta.deliveries.delivery_id)
            and records_quarantined = 0
          order by k`,
      )
    ).map((r) => r.k);
    expect(refused).toEqual(expected);
  });

  it('reconciles every file and member: read = loaded + quarantined + skipped', async () => {
    const off = await db.all(
      `select file_name, member_name from meta.deliveries
        where file_type = 'ijw' and records_read <> records_loaded + records_quarantined + records_skipped`,
    );
    expect(off).toEqual([]);
  });

  it('loads every valid product the manifest counts, per gemeente and message', async () => {
    const loaded = await db.all<{ g: string; m: string; n: number }>(
      `select gemeente as g, 'JW301' as m, count(*)::int as n from raw.jw301 group by all
       union all select gemeente, 'JW305', count(*)::int from raw.jw305 group by all
       union all select gemeente, 'JW307', count(*)::int from raw.jw307 group by all
       union all select gemeente, 'JW315', count(*)::int from raw.jw315 group by all
       union all select gemeente, 'JW323', count(*)::int from raw.jw323 group by all`,
    );
    const got: Record<string, Record<string, number>> = {};
    for (const r of loaded) {
      const perMessage = got[r.g] ?? {};
      perMessage[r.m] = r.n;
      got[r.g] = perMessage;
    }
    const want: Record<string, Record<string, number>> = {};
    for (const [g, t] of Object.entries(manifest.totals)) {
      for (const [m, n] of Object.entries(t.products)) {
        if (n <= 0) continue;
        const perMessage = want[g] ?? {};
        perMessage[m.toUpperCase()] = n;
        want[g] = perMessage;
      }
    }
    expect(got).toEqual(want);
  });
});
