/**
 * Builds the placement and cost models through the real model runner on hand-made inputs: the core
 * models made from the iJw messages (trajecten, toewijzingen) are replaced by stand-ins that select from
 * a `given` schema, and marts.indicator_values by the union of the families under test; everything
 * else they read (peildatum, perioden, gebieden, traject_perioden, declaraties) is the real model.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { sqlDir } from '../../pipelines/lib/paths.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { buildModels } from '../../pipelines/models/index.js';
import type { IndicatorRow as ReportIndicatorRow } from '../../reports/disclosure.js';

export interface Traject {
  gemeente?: string;
  client: string;
  hulpvorm: string;
  begin: string;
  /** Absent or null: still open at the peildatum. */
  eind?: string | null;
  aanbieder?: string;
}

export interface Toewijzing {
  gemeente?: string;
  nummer: string;
  client?: string;
  /** Null for what is not jeugdhulp. */
  hulpvorm: string | null;
  soort?: string;
  budgetCent?: number | null;
  ingang: string;
  eind?: string | null;
}

export interface Declaratie {
  gemeente?: string;
  toewijzing: string;
  client?: string;
  categorie?: string;
  productcode?: string | null;
  begin: string;
  eind?: string;
  cent: number;
  dc?: 'D' | 'C';
}

export interface Given {
  peildatum: string;
  trajecten?: Traject[];
  toewijzingen?: Toewijzing[];
  declaraties?: Declaratie[];
  /** Statements run after the rows above are loaded, for inputs too big to list (e.g. generated trajecten). */
  extraSql?: string;
}

/** Real models copied into the test build: the ones under test and the shared ones they read. */
const REAL_MODELS = [
  'staging/declaraties',
  'core/peildatum',
  'core/perioden',
  'core/gebieden',
  'core/traject_perioden',
  'core/verblijfsepisodes',
  'marts/ind_jeugdigen',
  'marts/verblijfsduur_curve',
  'marts/ind_verblijf',
  'marts/ind_verblijfsduur',
  'marts/ind_kosten',
  'marts/funnel_limits',
  'marts/funnel_posities',
];

/** Stand-ins for the models built from the iJw messages, and for the union of every family. */
const STUBS: Record<string, { columns: string[]; sql: string }> = {
  'core/trajecten': {
    columns: [
      'traject_id',
      'gemeente',
      'client_id',
      'aanbieder_agb',
      'hulpvorm',
      'met_verblijf',
      'begindatum',
      'einddatum',
      'reden_beeindiging',
      'is_open',
      'geboortejaar',
      'geboortemaand',
    ],
    sql: 'select * from given.trajecten',
  },
  'core/toewijzingen': {
    columns: [
      'gemeente',
      'toewijzingnummer',
      'client_id',
      'aanbieder_agb',
      'productcategorie',
      'productcode',
      'hulpvorm',
      'soort',
      'met_verblijf',
      'budget_cent',
      'ingangsdatum',
      'einddatum',
    ],
    sql: 'select * from given.toewijzingen',
  },
  'marts/indicator_values': {
    columns: [
      'gemeente',
      'periode',
      'indicator',
      'dimensie',
      'dimensie_waarde',
      'teller',
      'noemer',
      'waarde',
      'ci_laag',
      'ci_hoog',
    ],
    sql: `select * from marts.ind_jeugdigen
union all by name select * from marts.ind_verblijf
union all by name select * from marts.ind_verblijfsduur
union all by name select * from marts.ind_kosten`,
  },
};

function stubSql(name: string, stub: { columns: string[]; sql: string }): string {
  const header = [
    `-- @table stand-in for ${name} in the placement tests`,
    '-- @grain as the real model',
    ...stub.columns.map((c) => `-- @column ${c} as the real model`),
  ];
  return `${header.join('\n')}\n\n${stub.sql}\n`;
}

/** A temporary sql/ folder with the real macros and models under test and stand-ins for the rest. */
function writeSqlDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-placements-'));
  for (const layer of ['macros', 'staging', 'core', 'marts']) mkdirSync(join(dir, layer));
  for (const file of readdirSync(join(sqlDir, 'macros'))) {
    copyFileSync(join(sqlDir, 'macros', file), join(dir, 'macros', file));
  }
  for (const model of REAL_MODELS) {
    copyFileSync(join(sqlDir, `${model}.sql`), join(dir, `${model}.sql`));
    try {
      copyFileSync(join(sqlDir, `${model}.tests.sql`), join(dir, `${model}.tests.sql`));
    } catch {
      // a model without query tests
    }
  }
  for (const [name, stub] of Object.entries(STUBS))
    writeFileSync(join(dir, `${name}.sql`), stubSql(name, stub));
  // The data tests of the union hold for the families under test too.
  copyFileSync(
    join(sqlDir, 'marts/indicator_values.tests.sql'),
    join(dir, 'marts/indicator_values.tests.sql'),
  );
  return dir;
}

const v = (x: string | null | undefined) => x ?? null;

/** Opens a warehouse in memory, loads `given` and builds the models; close the result when done. */
export async function buildPlacements(given: Given): Promise<Warehouse> {
  const db = await openWarehouse(':memory:');
  const trajecten = given.trajecten ?? [];
  await db.run(`
    create schema given;
    create table given.trajecten (traject_id varchar, gemeente varchar, client_id varchar, aanbieder_agb varchar,
      hulpvorm varchar, met_verblijf boolean, begindatum date, einddatum date, reden_beeindiging varchar,
      is_open boolean, geboortejaar smallint, geboortemaand tinyint);
    create table given.toewijzingen (gemeente varchar, toewijzingnummer varchar, client_id varchar,
      aanbieder_agb varchar, productcategorie varchar, productcode varchar, hulpvorm varchar, soort varchar,
      met_verblijf boolean, budget_cent bigint, ingangsdatum date, einddatum date);
  `);
  for (const [i, t] of trajecten.entries()) {
    await db.run(
      `insert into given.trajecten values ($1, $2, $3, $4, $5, $5 >= '11', $6::date, $7::date, $8, $7 is null, 2010, 1)`,
      [
        `T${i + 1}`,
        t.gemeente ?? 'GM0193',
        t.client,
        t.aanbieder ?? '01010101',
        t.hulpvorm,
        t.begin,
        v(t.eind),
        t.eind ? '31' : null,
      ],
    );
  }
  for (const t of given.toewijzingen ?? []) {
    await db.run(
      `insert into given.toewijzingen values ($1, $2, $3, '01010101', null, null, $4, $5, $4 >= '11', $6, $7::date, $8::date)`,
      [
        t.gemeente ?? 'GM0193',
        t.nummer,
        t.client ?? 'C1',
        t.hulpvorm,
        t.soort ?? 'jeugdhulp',
        t.budgetCent ?? null,
        t.ingang,
        v(t.eind),
      ],
    );
  }
  for (const [i, d] of (given.declaraties ?? []).entries()) {
    await db.run(
      `insert into raw.jw323 (delivery_id, seq, gemeente, aanbieder_agb, bericht_identificatie, dagtekening,
         client_id, toewijzingnummer, productcategorie, productcode, periode_begin, periode_eind,
         ingediend_bedrag_cent, debet_credit)
       values ('d', $1, $2, '01010101', 'b', $3::date, $4, $5, $6, $7, $3::date, $8::date, $9, $10)`,
      [
        i + 1,
        d.gemeente ?? 'GM0193',
        d.begin,
        d.client ?? 'C1',
        d.toewijzing,
        d.categorie ?? '45',
        v(d.productcode),
        d.eind ?? d.begin,
        d.cent,
        d.dc ?? 'D',
      ],
    );
  }
  if (given.extraSql) await db.run(given.extraSql);
  const dir = writeSqlDir();
  try {
    await buildModels(db, {
      peildatum: given.peildatum,
      log: memoryLogger(),
      clock: () => new Date('2030-01-01T00:00:00Z'),
      sqlDir: dir,
    });
  } catch (error) {
    db.close();
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return db;
}

/** An indicator row of marts.indicator_values; these tests only read rows that have a value. */
export type IndicatorRow = Omit<ReportIndicatorRow, 'waarde'> & { waarde: number };

/** The indicator rows of `indicator`, keyed `gemeente|periode|dimensie_waarde`. */
export async function indicator(db: Warehouse, name: string): Promise<Map<string, IndicatorRow>> {
  const rows = await db.all<IndicatorRow & Record<string, unknown>>(
    'select * from marts.indicator_values where indicator = $1',
    [name],
  );
  return new Map(rows.map((r) => [`${r.gemeente}|${r.periode}|${r.dimensie_waarde}`, r]));
}
