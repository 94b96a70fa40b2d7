/**
 * The demo region's tabular files, in all eleven dialects, through the real ingest: every file
 * reconciles, and exactly the planted faults of the manifest are in quarantine (rows) or rejected
 * (files).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, profileOf } from '../../pipelines/generate/dialects.js';
import type { Fault, FileEntry } from '../../pipelines/generate/manifest.js';
import { generateRegion } from '../../pipelines/generate/region.js';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import { loadClientbestand, loadUitkomsten } from '../../pipelines/ingest/tabular/loader.js';
import type { Row, Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import type { Profile } from '../../schemas/profile.js';
import { clock, expectReconciled, key, warehouse } from './helpers.js';

interface Manifest {
  files: FileEntry[];
  faults: Fault[];
}

/** The manifest's rule codes and the quarantine's. */
const ruleOf: Record<string, string> = {
  bsn_elfproef: 'bsn_elfproef',
  datum_ongeldig: 'datum_ongeldig',
  code_onbekend: 'code_onbekend',
  andere_gemeente: 'gemeente_andere_inbox',
};

describe('the demo region (tabular files)', () => {
  let db: Warehouse;
  let manifest: Manifest;
  let deliveries: Map<string, Row>;
  let quarantine: Row[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-demo-'));
    const opts = {
      out: join(dir, 'inbox'),
      manifest: join(dir, 'manifest.json'),
      seed: 20261122,
      scale: 0.01,
      from: 2025,
      to: 2026,
      until: '2026-11-20',
    };
    await generateRegion(opts, memoryLogger());
    manifest = JSON.parse(readFileSync(opts.manifest, 'utf8')) as Manifest;
    // Only the tabular files: the iJw messages are another loader's.
    const inbox = join(dir, 'tabulair');
    for (const f of tabular()) {
      mkdirSync(join(inbox, f.gemeente), { recursive: true });
      copyFileSync(join(opts.out, f.gemeente, f.name), join(inbox, f.gemeente, f.name));
    }
    const profiles = new Map<string, Profile>(dialects.map((d) => [d.gemeente, profileOf(d)]));
    db = await warehouse();
    await ingestInbox(db, {
      inbox,
      archiveDir: join(dir, 'archive'),
      key,
      runId: 'demo',
      log: memoryLogger(),
      clock,
      profiles,
      loaders: { uitkomsten: loadUitkomsten, clientbestand: loadClientbestand },
    });
    deliveries = new Map(
      (await db.all('select * from meta.deliveries')).map((d) => [`${d.gemeente}/${d.file_name}`, d]),
    );
    quarantine = await db.all('select * from meta.quarantine');
  });

  const tabular = () => manifest.files.filter((f) => f.type === 'uitkomsten' || f.type === 'clientbestand');
  const faultsOf = (f: FileEntry) =>
    manifest.faults.filter((x) => x.gemeente === f.gemeente && x.file === f.name);

  it('has tabular files in every dialect: CSV and XLSX, every encoding, delimiter and line end', () => {
    const withFiles = new Set(tabular().map((f) => f.gemeente));
    expect([...withFiles].sort()).toEqual(dialects.map((d) => d.gemeente).sort());
  });

  it('reconciles every file: rows read = loaded + quarantined', async () => {
    await expectReconciled({ db } as never);
  });

  it('loads every clean file whole and each planted-fault file with exactly its faults in quarantine', () => {
    const problems: string[] = [];
    for (const f of tabular()) {
      const d = deliveries.get(`${f.gemeente}/${f.name}`);
      if (!d) {
        problems.push(`${f.gemeente}/${f.name}: not recorded`);
        continue;
      }
      const faults = faultsOf(f);
      const fileRules = new Set(faults.map((x) => x.rule));
      const q = quarantine
        .filter((x) => x.delivery_id === d.delivery_id)
        .map((x) => `${x.line} ${x.column_name} ${x.rule}`)
        .sort();
      let expected: string[] = [];
      let result = 'geladen';
      const copyOf = manifest.faults.find(
        (x) =>
          x.rule === 'dubbel_bestand' &&
          x.gemeente === f.gemeente &&
          (x.file === f.name || x.value === f.name),
      );
      if (fileRules.has('kolom_ontbreekt')) result = 'afgewezen';
      else if (copyOf) {
        // The same bytes twice: whichever is read first loads, the other is `dubbel`.
        const pair = [copyOf.file, copyOf.value]
          .map((n) => deliveries.get(`${f.gemeente}/${n}`)?.result)
          .sort();
        if (pair.filter((x) => x === 'dubbel').length !== 1 || pair.includes('afgewezen')) {
          problems.push(`${f.gemeente}/${f.name}: copies ${JSON.stringify(pair)}`);
        }
        continue;
      }
      // A cut XLSX is no workbook any more: rejected whole.
      else if (fileRules.has('bestand_afgekapt') && f.format === 'xlsx') result = 'afgewezen';
      else if (faults.length > 0 && !fileRules.has('bestand_afgekapt')) {
        result = 'deels_afgewezen';
        expected = faults.map((x) => `${x.line} ${x.column} ${ruleOf[x.rule]}`).sort();
      }
      if (fileRules.has('bestand_afgekapt') && f.format === 'csv') {
        // A cut copy: its last row is incomplete, and the source's planted faults above the cut are there too.
        const source = faults.find((x) => x.rule === 'bestand_afgekapt')!.value!;
        const last = q.filter((x) => /regel_(velden|aanhalingsteken)$/.test(x));
        const lastLine = Number(last[0]?.split(' ')[0]);
        const inherited = manifest.faults
          .filter((x) => x.gemeente === f.gemeente && x.file === source && x.line! < lastLine)
          .map((x) => `${x.line} ${x.column} ${ruleOf[x.rule]}`);
        const rest = q.filter((x) => !last.includes(x));
        if (last.length !== 1 || JSON.stringify(rest) !== JSON.stringify(inherited.sort())) {
          problems.push(`${f.gemeente}/${f.name}: truncated, quarantine ${JSON.stringify(q)}`);
        }
        if (d.result === 'geladen') problems.push(`${f.gemeente}/${f.name}: truncated but geladen`);
        continue;
      }
      if (d.result !== result)
        problems.push(`${f.gemeente}/${f.name}: ${d.result} (${d.reason}), expected ${result}`);
      if (result === 'geladen' && d.records_read !== f.rows) {
        problems.push(`${f.gemeente}/${f.name}: read ${d.records_read}, the manifest has ${f.rows} rows`);
      }
      if (
        result === 'afgewezen' &&
        fileRules.has('kolom_ontbreekt') &&
        !/toewijzingnummer/.test(String(d.reason))
      ) {
        problems.push(`${f.gemeente}/${f.name}: reason ${d.reason} does not name the missing column`);
      }
      if (JSON.stringify(q) !== JSON.stringify(expected)) {
        problems.push(
          `${f.gemeente}/${f.name}: quarantine ${JSON.stringify(q)}, expected ${JSON.stringify(expected)}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
