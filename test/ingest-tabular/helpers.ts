/**
 * Runs the real ingest (framework + tabular loaders) over a tiny inbox written byte-exact into a temp
 * directory, and reads back what landed in the warehouse.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestInbox } from '../../pipelines/ingest/index.js';
import { loadClientbestand, loadUitkomsten } from '../../pipelines/ingest/tabular/loader.js';
import type { IngestSummary } from '../../pipelines/ingest/types.js';
import type { Row, Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { SecretKey } from '../../pipelines/lib/pseudonym.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { Profile } from '../../schemas/profile.js';

export const key = new SecretKey('test-key-test-key-test-key-test-key', 'pseudonym');
export const clock = () => new Date('2026-11-23T02:00:00Z');

/** BSNs that pass the 11-proef, and one that does not. */
export const BSN = { a: '123456782', b: '111222333', c: '999999990', bad: '123456789' } as const;

export interface Ingested {
  db: Warehouse;
  summary: IngestSummary;
  inbox: string;
  /** meta.deliveries, by file name. */
  deliveries: Record<string, Row>;
  quarantine(file?: string): Promise<Row[]>;
  rows(table: 'uitkomsten' | 'clientbestand'): Promise<Row[]>;
}

let shared: Warehouse | undefined;

/** One in-memory warehouse per test file (opening one loads the reference data). */
export async function warehouse(): Promise<Warehouse> {
  shared ??= await openWarehouse(':memory:');
  await shared.run(
    'delete from meta.quarantine; delete from meta.deliveries; delete from meta.dialects; delete from raw.uitkomsten; delete from raw.clientbestand',
  );
  return shared;
}

export type ProfileInput = Omit<Parameters<typeof Profile.parse>[0] & object, 'gemeente' | 'naam'> &
  Record<string, unknown>;

/** Ingests `files` (name → exact bytes or UTF-8 text) delivered by `gemeente` under `profile`. */
export async function ingest(
  files: Record<string, Buffer | string>,
  profile: Record<string, unknown> | null = {},
  gemeente = 'GM0193',
): Promise<Ingested> {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-tab-'));
  const inbox = join(dir, 'inbox');
  mkdirSync(join(inbox, gemeente), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(inbox, gemeente, name), content);
  const db = await warehouse();
  const profiles = new Map<string, Profile>();
  if (profile) profiles.set(gemeente, Profile.parse({ gemeente, naam: 'Test', ...profile }));
  const summary = await ingestInbox(db, {
    inbox,
    archiveDir: join(dir, 'archive'),
    key,
    runId: 'r1',
    log: memoryLogger(),
    clock,
    profiles,
    loaders: { uitkomsten: loadUitkomsten, clientbestand: loadClientbestand },
  });
  const deliveries: Record<string, Row> = {};
  for (const d of await db.all('select * from meta.deliveries')) deliveries[String(d.file_name)] = d;
  return {
    db,
    summary,
    inbox,
    deliveries,
    quarantine: (file) =>
      db.all(
        `select line, column_name, value, rule, reason, record_key, file_name from meta.quarantine
         where $1::varchar is null or file_name = $1 order by file_name, line, column_name, rule`,
        [file ?? null],
      ),
    rows: (table) => db.all(`select * exclude (delivery_id) from raw.${table} order by line`),
  };
}

/** A CSV from rows of cells, joined with `delimiter` and `eol`, ending with `eol`. */
export function csv(rows: string[][], delimiter = ';', eol = '\n'): string {
  return rows.map((r) => r.join(delimiter)).join(eol) + eol;
}

export const UITKOMSTEN_HEADER = [
  'gemeente',
  'bsn',
  'toewijzingnummer',
  'aanbieder_agb',
  'productcode',
  'einddatum',
  'informant',
  'doelrealisatie',
  'tevredenheid',
  'zonder_hulp_verder',
  'meetdatum',
];

/** A valid uitkomsten row in dd-mm-jjjj, with overrides per column. */
export function uitkomst(over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    gemeente: 'GM0193',
    bsn: BSN.a,
    toewijzingnummer: '1001',
    aanbieder_agb: '12345678',
    productcode: '45A07',
    einddatum: '31-10-2026',
    informant: 'J',
    doelrealisatie: '1',
    tevredenheid: '8',
    zonder_hulp_verder: '04',
    meetdatum: '01-11-2026',
    ...over,
  };
  return UITKOMSTEN_HEADER.map((c) => base[c] ?? '');
}

export const CLIENTBESTAND_HEADER = [
  'gemeente',
  'bsn',
  'geboortedatum',
  'geslacht',
  'postcode',
  'toewijzingnummer',
  'aanbieder_agb',
  'productcategorie',
  'productcode',
  'toewijzingsdatum',
  'ingangsdatum',
  'einddatum',
  'volume',
  'eenheid',
  'frequentie',
  'budget',
  'verwijzer',
  'start_zorg',
  'einde_zorg',
  'reden_beeindiging',
];

/** A valid clientbestand row in dd-mm-jjjj with a decimal-comma budget, with overrides per column. */
export function clientrij(over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    gemeente: 'GM0193',
    bsn: BSN.a,
    geboortedatum: '17-05-2012',
    geslacht: '2',
    postcode: '8011 AB',
    toewijzingnummer: '2001',
    aanbieder_agb: '12345678',
    productcategorie: '45',
    productcode: '45A07',
    toewijzingsdatum: '01-02-2026',
    ingangsdatum: '01-02-2026',
    einddatum: '31-12-2026',
    volume: '10',
    eenheid: '04',
    frequentie: '2',
    budget: '1.234,50',
    verwijzer: '02',
    start_zorg: '03-02-2026',
    einde_zorg: '30-09-2026',
    reden_beeindiging: '31',
    ...over,
  };
  return CLIENTBESTAND_HEADER.map((c) => base[c] ?? '');
}

/**
 * For every file that was read: rows read = loaded + quarantined, the loaded rows are in the raw table,
 * and the quarantined rows are the distinct lines in meta.quarantine.
 */
export async function expectReconciled(r: Ingested): Promise<void> {
  const files = await r.db.all<{
    file_name: string;
    file_type: string;
    records_read: number;
    records_loaded: number;
    records_quarantined: number;
    raw_rows: number;
    quarantined_lines: number;
  }>(
    `select d.file_name, d.file_type, d.records_read, d.records_loaded, d.records_quarantined,
       (select count(*) from raw.uitkomsten u where u.delivery_id = d.delivery_id)
         + (select count(*) from raw.clientbestand c where c.delivery_id = d.delivery_id) as raw_rows,
       (select count(distinct line) from meta.quarantine q where q.delivery_id = d.delivery_id) as quarantined_lines
     from meta.deliveries d where d.file_type in ('uitkomsten', 'clientbestand')`,
  );
  for (const f of files) {
    const got = { read: f.records_read, sum: f.records_loaded + f.records_quarantined };
    if (
      got.read !== got.sum ||
      f.raw_rows !== f.records_loaded ||
      f.quarantined_lines !== f.records_quarantined
    ) {
      throw new Error(`${f.file_name} does not reconcile: ${JSON.stringify(f)}`);
    }
  }
}
