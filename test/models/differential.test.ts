/**
 * The building blocks of indicators.md §1 compared with a second implementation (./reference.ts) on random
 * delivery histories: toewijzing versions with deletions (RedenWijziging 13), starts and stops with
 * corrections and deletions (StatusAanlevering 2, 3) in any order, reden-20 pauses and restarts around the
 * 90-day limit, open care on a toewijzing whose Einddatum passed, several products, providers and
 * gemeenten. Every core.toewijzingen, core.episodes, core.trajecten and core.verblijfsepisodes row must
 * equal the reference's, and so must the computed peildatum.
 *
 * Many histories share one build (each has clients and toewijzingnummers of its own, so they cannot
 * meet), and only the models these tables need are built. A history that differs is replayed and shrunk
 * by fast-check on its own, so a failure prints a minimal history and its messages.
 *
 * `RIJM_DIFF_CASES` sets the number of histories (default 300), `RIJM_DIFF_BATCH` how many share a build
 * (default 150) and `RIJM_DIFF_SEED` the seed (fixed by default, so `make test` checks the same cases):
 * `RIJM_DIFF_CASES=100000 RIJM_DIFF_BATCH=1000 RIJM_DIFF_SEED=$RANDOM` checks 100,000 new ones.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, type Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { buildModels } from '../../pipelines/models/index.js';
import {
  addDays,
  berekendePeildatum,
  type ClientRij,
  episodes,
  type Levering,
  type StartBericht,
  type StopBericht,
  toewijzingen,
  trajecten,
  type Versie,
  verblijfsepisodes,
} from './reference.js';

const root = join(import.meta.dirname, '..', '..');
const RUN_DATE = '2025-06-30';
const clock = () => new Date(`${RUN_DATE}T03:00:00Z`);

/** The first day of the histories; every date is a day offset from it. */
const DAY0 = '2024-01-01';

/** Products as delivered: category and code, with what the standard product list says about the code. */
const PRODUCTS: [string, string | null][] = [
  ['45', null],
  ['45', '45A07'],
  ['45', '45B01'],
  ['45', '40A00'],
  ['41', '41A01'],
  ['43', null],
  ['43', '43A03'],
  ['43', '43A04'],
  ['43', '43A06'],
  ['45', '43A03'],
  ['48', '48A03'],
  ['45', '48A03'],
  ['45', '47A06'],
  ['42', null],
  ['99', null],
];

const productList = new Map<string, string>(
  (
    JSON.parse(readFileSync(join(root, 'reference', 'productcodes-jeugdwet-jz21.json'), 'utf8')) as {
      products: { productcode: string; dimensie_hulpvorm_code: string }[];
    }
  ).products
    .filter((p) => p.dimensie_hulpvorm_code !== '-')
    .map((p) => [p.productcode, p.dimensie_hulpvorm_code]),
);

// ---- the random histories ---------------------------------------------------------------------------

const day = fc.integer({ min: 0, max: 420 });
const file = fc.constantFrom('a', 'b', 'c');
const status = fc.constantFrom('1', '1', '1', '2', '3');
/** Gaps from a reden-20 stop to the restart, around the limits of "1-90 days later". */
const restartGap = fc.constantFrom(-10, 0, 1, 2, 45, 89, 90, 91, 92, 150);

const message = fc.record({ dagtekening: day, file });

const stopArb = fc.record({
  length: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 200 })),
  reden: fc.constantFrom('20', '20', '20', '31', '32', '33', '34', '02', '36'),
  status,
  message,
  /** A stop for a begindatum no start has (ignored). */
  misplaced: fc.integer({ min: 0, max: 11 }).map((n) => n === 11),
});

const correction = fc.record({
  status: fc.constantFrom('2', '3', '1'),
  length: fc.integer({ min: 0, max: 200 }),
  reden: fc.constantFrom('20', '31', '33'),
  message,
});

const segmentArb = fc.record({
  begin: day,
  /** Restart after the previous segment's stop, instead of `begin`. */
  restart: fc.option(restartGap, { freq: 2 }),
  startStatus: status,
  startMessage: message,
  /** Another product on the start and its stop than the toewijzing's. */
  product: fc.option(fc.constantFrom(...PRODUCTS), { freq: 8 }),
  stop: fc.option(stopArb, { freq: 3 }),
  corrections: fc.array(correction, { maxLength: 2 }),
});

const versieArb = fc.record({
  client: fc.constantFrom('a', 'a', 'a', 'b'),
  aanbieder: fc.constantFrom('11111111', '11111111', '22222222'),
  product: fc.option(fc.constantFrom(...PRODUCTS), { freq: 6 }),
  toewijzingsdatum: day,
  toewijzingstijd: fc.constantFrom('09:00:00', '09:00:00', '10:30:00'),
  ingangsdatum: day,
  einddatum: fc.option(day),
  reden: fc.constantFrom(null, null, null, '01', '13'),
  message,
});

const clientRijArb = fc.record({
  client: fc.constantFrom('a', 'a', 'b'),
  aanbieder: fc.constantFrom('11111111', '22222222'),
  product: fc.option(fc.constantFrom(...PRODUCTS), { freq: 4 }),
  toewijzingsdatum: day,
  ingangsdatum: day,
  einddatum: fc.option(day),
  start: fc.option(day),
  einde: fc.option(fc.integer({ min: -2, max: 200 })),
  reden: fc.constantFrom('20', '31', '33', '02'),
  fileDate: fc.option(day, { freq: 6 }),
  file,
});

const toewijzingArb = fc.record({
  gemeente: fc.constantFrom('GM0193', 'GM0193', 'GM0150'),
  nummer: fc.constantFrom('1', '2'),
  product: fc.constantFrom(...PRODUCTS),
  versies: fc.array(versieArb, { minLength: 1, maxLength: 3 }),
  segmenten: fc.array(segmentArb, { maxLength: 3 }),
  /** The same toewijzing in a clientbestand, alone or beside its iJw messages. */
  clientbestand: fc.option(fc.array(clientRijArb, { minLength: 1, maxLength: 2 }), { freq: 4 }),
});

const historyArb = fc.array(toewijzingArb, { minLength: 1, maxLength: 3 });
type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never;

/** One history's messages, under names of its own (`h<n>…`). */
function deliveriesOf(history: History, h: number, into: Levering, seq: Map<string, number>): void {
  const place = (table: string, f: string) => {
    const bestand = `${table}_${f}.xml`;
    const n = (seq.get(bestand) ?? 0) + 1;
    seq.set(bestand, n);
    return { bestand, seq: n };
  };
  const at = (d: number) => addDays(DAY0, d);
  for (const t of history) {
    const nummer = `h${h}n${t.nummer}`;
    for (const v of t.versies) {
      const [categorie, code] = v.product ?? t.product;
      into.jw301.push({
        gemeente: t.gemeente,
        toewijzingnummer: nummer,
        client_id: `h${h}${v.client}`,
        aanbieder_agb: v.aanbieder,
        productcategorie: categorie,
        productcode: code,
        toewijzingsdatum: at(v.toewijzingsdatum),
        toewijzingstijd: v.toewijzingstijd,
        ingangsdatum: at(v.ingangsdatum),
        einddatum: v.einddatum === null ? null : at(v.einddatum),
        reden_wijziging: v.reden,
        dagtekening: at(v.message.dagtekening),
        ...place('jw301', v.message.file),
      } satisfies Versie);
    }
    for (const r of t.clientbestand ?? []) {
      const [categorie, code] = r.product ?? t.product;
      const bestand =
        r.fileDate === null
          ? `clientbestand_${r.file}.csv`
          : `clientbestand_${at(r.fileDate).replaceAll('-', '')}_${r.file}.csv`;
      const line = (seq.get(bestand) ?? 1) + 1;
      seq.set(bestand, line);
      into.clientbestand.push({
        gemeente: t.gemeente,
        toewijzingnummer: nummer,
        client_id: `h${h}${r.client}`,
        aanbieder_agb: r.aanbieder,
        productcategorie: categorie,
        productcode: code,
        toewijzingsdatum: at(r.toewijzingsdatum),
        ingangsdatum: at(r.ingangsdatum),
        einddatum: r.einddatum === null ? null : at(r.einddatum),
        start_zorg: r.start === null ? null : at(r.start),
        einde_zorg: r.start === null || r.einde === null ? null : at(r.start + r.einde),
        reden_beeindiging: r.start === null || r.einde === null ? null : r.reden,
        file_date: r.fileDate === null ? null : at(r.fileDate),
        bestand,
        line,
      } satisfies ClientRij);
    }
    let previousEnd: number | undefined;
    for (const s of t.segmenten) {
      const [categorie, code] = s.product ?? t.product;
      const begin = s.restart !== null && previousEnd !== undefined ? previousEnd + s.restart : s.begin;
      const key = {
        gemeente: t.gemeente,
        toewijzingnummer: nummer,
        productcategorie: categorie,
        productcode: code,
        begindatum: at(begin),
      };
      into.jw305.push({
        ...key,
        status_aanlevering: s.startStatus,
        dagtekening: at(s.startMessage.dagtekening),
        ...place('jw305', s.startMessage.file),
      } satisfies StartBericht);
      previousEnd = undefined;
      if (s.stop) {
        const end = begin + s.stop.length;
        into.jw307.push({
          ...key,
          begindatum: s.stop.misplaced ? at(begin + 1) : key.begindatum,
          einddatum: at(end),
          reden_beeindiging: s.stop.reden,
          status_aanlevering: s.stop.status,
          dagtekening: at(s.stop.message.dagtekening),
          ...place('jw307', s.stop.message.file),
        } satisfies StopBericht);
        previousEnd = end;
      }
      for (const c of s.corrections) {
        into.jw307.push({
          ...key,
          einddatum: at(begin + c.length),
          reden_beeindiging: c.reden,
          status_aanlevering: c.status,
          dagtekening: at(c.message.dagtekening),
          ...place('jw307', c.message.file),
        } satisfies StopBericht);
      }
    }
  }
}

// ---- the warehouse ----------------------------------------------------------------------------------

/** The models the compared tables need, with their tests: staging, and core up to verblijfsepisodes. */
function modelSubset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rijm-diff-sql-'));
  cpSync(join(root, 'sql', 'macros'), join(dir, 'macros'), { recursive: true });
  cpSync(join(root, 'sql', 'staging'), join(dir, 'staging'), { recursive: true });
  mkdirSync(join(dir, 'core'));
  for (const model of ['peildatum', 'toewijzingen', 'episodes', 'trajecten', 'verblijfsepisodes']) {
    for (const suffix of ['.sql', '.tests.sql']) {
      try {
        cpSync(join(root, 'sql', 'core', `${model}${suffix}`), join(dir, 'core', `${model}${suffix}`));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return dir;
}

const sqlValue = (v: unknown) =>
  v === null ? 'null' : typeof v === 'number' ? String(v) : literal(String(v));

async function insert(db: Warehouse, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  for (let i = 0; i < rows.length; i += 2000) {
    const values = rows
      .slice(i, i + 2000)
      .map((r) => `(${columns.map((c) => sqlValue(r[c])).join(', ')})`)
      .join(',\n');
    await db.run(`insert into ${table} (${columns.join(', ')}) values ${values}`);
  }
}

/** Loads the deliveries into the raw tables (with the meta.deliveries rows their files need). */
async function load(db: Warehouse, levering: Levering): Promise<void> {
  await db.run(
    'delete from raw.jw301; delete from raw.jw305; delete from raw.jw307; delete from raw.clientbestand; delete from meta.deliveries',
  );
  const files = new Set<string>();
  const ids = <T extends { gemeente: string; bestand: string }>(rows: T[]) =>
    rows.map(({ bestand, ...r }) => {
      files.add(`${r.gemeente}|${bestand}`);
      return { ...r, delivery_id: `${r.gemeente}:${bestand}` };
    });
  const common = { bericht_identificatie: 'B', client_id: 'c', aanbieder_agb: '11111111' };
  await insert(
    db,
    'raw.jw301',
    ids(levering.jw301).map((r) => ({
      ...r,
      bericht_identificatie: 'B',
      geboortejaar: 2012,
      geboortemaand: 6,
    })),
  );
  await insert(
    db,
    'raw.jw305',
    ids(levering.jw305).map((r) => ({ ...common, ...r })),
  );
  await insert(
    db,
    'raw.jw307',
    ids(levering.jw307).map((r) => ({ ...common, ...r })),
  );
  await insert(
    db,
    'raw.clientbestand',
    ids(levering.clientbestand).map((r) => ({ ...r, geboortejaar: 2012, geboortemaand: 6 })),
  );
  await insert(
    db,
    'meta.deliveries',
    [...files].map((f) => {
      const [gemeente, bestand] = f.split('|') as [string, string];
      return {
        delivery_id: `${gemeente}:${bestand}`,
        gemeente,
        file_name: bestand,
        sha256: f,
        size_bytes: 0,
        file_type: bestand.startsWith('clientbestand') ? 'clientbestand' : 'ijw',
        loaded_at: '2025-01-01 00:00:00',
        result: 'geladen',
      };
    }),
  );
}

/** One line per message, in the order they were generated. */
function listMessages(levering: Levering): string {
  const d = (v: string | null) => v ?? '–';
  return [
    ...levering.jw301.map(
      (v) =>
        `JW301 ${v.gemeente} ${v.toewijzingnummer} client ${v.client_id} agb ${v.aanbieder_agb} product ${v.productcategorie}/${d(v.productcode)} toewijzing ${v.toewijzingsdatum} ${v.toewijzingstijd} ingang ${v.ingangsdatum} eind ${d(v.einddatum)} reden ${d(v.reden_wijziging)} · dagtekening ${v.dagtekening} ${v.bestand}#${v.seq}`,
    ),
    ...levering.jw305.map(
      (m) =>
        `JW305 ${m.gemeente} ${m.toewijzingnummer} product ${m.productcategorie}/${d(m.productcode)} begin ${m.begindatum} status ${m.status_aanlevering} · dagtekening ${m.dagtekening} ${m.bestand}#${m.seq}`,
    ),
    ...levering.jw307.map(
      (m) =>
        `JW307 ${m.gemeente} ${m.toewijzingnummer} product ${m.productcategorie}/${d(m.productcode)} begin ${m.begindatum} eind ${m.einddatum} reden ${m.reden_beeindiging} status ${m.status_aanlevering} · dagtekening ${m.dagtekening} ${m.bestand}#${m.seq}`,
    ),
    ...levering.clientbestand.map(
      (r) =>
        `clientbestand ${r.gemeente} ${r.toewijzingnummer} client ${r.client_id} agb ${r.aanbieder_agb} product ${r.productcategorie}/${d(r.productcode)} toewijzing ${r.toewijzingsdatum} ingang ${r.ingangsdatum} eind ${d(r.einddatum)} start_zorg ${d(r.start_zorg)} einde_zorg ${d(r.einde_zorg)} reden ${d(r.reden_beeindiging)} · ${r.bestand} regel ${r.line}`,
    ),
  ].join('\n');
}

const canonical = <T>(rows: T[]): T[] =>
  rows
    .map((r) => JSON.stringify(r))
    .sort()
    .map((r) => JSON.parse(r) as T);

const COLUMNS = {
  toewijzingen:
    'gemeente, toewijzingnummer, client_id, aanbieder_agb, productcategorie, productcode, hulpvorm, soort, met_verblijf, eerste_toewijzingsdatum, ingangsdatum, einddatum, aantal_versies',
  episodes:
    'gemeente, toewijzingnummer, client_id, aanbieder_agb, soort, hulpvorm, begindatum, einddatum, reden_beeindiging, is_open, gesloten_op_toewijzing, aantal_onderbrekingen',
  trajecten:
    'gemeente, client_id, aanbieder_agb, hulpvorm, met_verblijf, begindatum, einddatum, reden_beeindiging, is_open, aantal_episodes',
  verblijfsepisodes:
    'gemeente, client_id, begindatum, einddatum, is_open, duur_dagen, eerste_hulpvorm, hulpvormen',
};

async function read(db: Warehouse, table: keyof typeof COLUMNS): Promise<unknown[]> {
  return canonical(await db.all(`select ${COLUMNS[table]} from core.${table}`));
}

/** The TypeScript reading of §1 for these deliveries. */
function expected(levering: Levering, peildatum: string) {
  const t = toewijzingen(levering, productList);
  const e = episodes(levering, t, peildatum);
  const tr = trajecten(e);
  return {
    toewijzingen: canonical(t),
    episodes: canonical(e),
    trajecten: canonical(tr),
    verblijfsepisodes: canonical(verblijfsepisodes(tr, peildatum)),
    peildatum: berekendePeildatum(levering, RUN_DATE),
  };
}

async function actual(db: Warehouse): Promise<ReturnType<typeof expected>> {
  return {
    toewijzingen: (await read(db, 'toewijzingen')) as never,
    episodes: (await read(db, 'episodes')) as never,
    trajecten: (await read(db, 'trajecten')) as never,
    verblijfsepisodes: (await read(db, 'verblijfsepisodes')) as never,
    peildatum: (await db.one<{ berekend: string }>('select berekend from core.peildatum'))?.berekend ?? '',
  };
}

/** The history a row belongs to, by the `h<n>` its client or toewijzing is named with. */
function historyOf(row: unknown): number {
  const r = row as { toewijzingnummer?: string; client_id?: string };
  return Number(/^h(\d+)/.exec(r.toewijzingnummer ?? r.client_id ?? '')?.[1] ?? -1);
}

/** Histories (by index in the batch) whose rows differ between the two. */
function differing(
  want: ReturnType<typeof expected>,
  got: ReturnType<typeof expected>,
  size: number,
): number[] {
  if (want.peildatum !== got.peildatum) return Array.from({ length: size }, (_, i) => i);
  const bad = new Set<number>();
  for (const table of ['toewijzingen', 'episodes', 'trajecten', 'verblijfsepisodes'] as const) {
    const per = (rows: unknown[]) => {
      const m = new Map<number, string[]>();
      for (const r of rows) m.set(historyOf(r), [...(m.get(historyOf(r)) ?? []), JSON.stringify(r)]);
      return m;
    };
    const a = per(want[table]);
    const b = per(got[table]);
    for (const h of new Set([...a.keys(), ...b.keys()])) {
      if (JSON.stringify(a.get(h) ?? []) !== JSON.stringify(b.get(h) ?? [])) bad.add(h);
    }
  }
  return [...bad].sort((x, y) => x - y);
}

const CASES = Number(process.env.RIJM_DIFF_CASES ?? 300);
const BATCH = Number(process.env.RIJM_DIFF_BATCH ?? 150);
const SEED = Number(process.env.RIJM_DIFF_SEED ?? 20261122);
/** Each batch has one peildatum (the build has one); batches take turns over these. */
const PEILDATUMS = [45, 120, 200, 300, 400, 480].map((d) => addDays(DAY0, d));

describe('the building blocks of indicators.md §1, against a second implementation', () => {
  let db: Warehouse;
  let sqlDir: string;
  const build = (peildatum: string) =>
    buildModels(db, { peildatum, log: memoryLogger(clock), clock, sqlDir, atomic: false });

  beforeAll(async () => {
    db = await openWarehouse(':memory:');
    sqlDir = modelSubset();
  });

  afterAll(() => {
    db?.close();
    if (sqlDir) rmSync(sqlDir, { recursive: true, force: true });
  });

  /**
   * The histories (indexes into `batch`) of `which` that differ, built together: all of them when the
   * build itself fails (a data test), since that names no history.
   */
  async function judge(
    batch: readonly History[],
    which: readonly number[],
    peildatum: string,
  ): Promise<{ suspects: number[]; why: string }> {
    const levering: Levering = { jw301: [], jw305: [], jw307: [], clientbestand: [] };
    const seq = new Map<string, number>();
    for (const i of which) deliveriesOf(batch[i]!, i, levering, seq);
    await load(db, levering);
    try {
      await build(peildatum);
      const want = expected(levering, peildatum);
      const got = await actual(db);
      const bad = differing(want, got, batch.length).filter((i) => which.includes(i));
      return { suspects: bad, why: `peildatum ${got.peildatum}, expected ${want.peildatum}` };
    } catch (error) {
      return { suspects: [...which], why: (error as Error).message };
    }
  }

  /** One history on its own, compared table by table; throws with the deliveries when they differ. */
  async function checkOne(history: History, peildatum: string): Promise<void> {
    const levering: Levering = { jw301: [], jw305: [], jw307: [], clientbestand: [] };
    deliveriesOf(history, 0, levering, new Map());
    await load(db, levering);
    try {
      await build(peildatum);
      const want = expected(levering, peildatum);
      const got = await actual(db);
      for (const table of ['toewijzingen', 'episodes', 'trajecten', 'verblijfsepisodes'] as const) {
        expect(got[table], `core.${table}`).toEqual(want[table]);
      }
      expect(got.peildatum, 'core.peildatum.berekend').toBe(want.peildatum);
    } catch (error) {
      (error as Error).message += `\n\nThe deliveries (peildatum ${peildatum}):\n${listMessages(levering)}`;
      throw error;
    }
  }

  it(
    `agree on ${CASES} random delivery histories`,
    async () => {
      // The histories fast-check would try, generated up front and checked a batch per build. A history
      // that differs is then replayed by fast-check on its own (same seed, its index as the path), which
      // shrinks it to a minimal one.
      const started = Date.now();
      const cases = fc.sample(historyArb, { seed: SEED, numRuns: CASES, unbiased: true });
      for (let from = 0, batch = 0; from < cases.length; from += BATCH, batch++) {
        const peildatum = PEILDATUMS[batch % PEILDATUMS.length]!;
        const all = cases.slice(from, from + BATCH).map((_, i) => i);
        let { suspects, why } = await judge(cases.slice(from, from + BATCH), all, peildatum);
        if (suspects.length === 0) continue;
        // A failed build names no history: halve the suspects until one history fails on its own.
        while (suspects.length > 1) {
          const half = suspects.slice(0, Math.ceil(suspects.length / 2));
          const rest = suspects.slice(half.length);
          const first = await judge(cases.slice(from, from + BATCH), half, peildatum);
          const next =
            first.suspects.length > 0 ? first : await judge(cases.slice(from, from + BATCH), rest, peildatum);
          if (next.suspects.length === 0) break;
          ({ suspects, why } = next);
        }
        for (const i of suspects.slice(0, 20)) {
          // numRuns 1: the replayed history alone (more would go on to the histories after it).
          await fc.assert(
            fc.asyncProperty(historyArb, (h) => checkOne(h, peildatum)),
            { seed: SEED, path: String(from + i), unbiased: true, numRuns: 1 },
          );
        }
        throw new Error(
          `batch ${batch} (seed ${SEED}) differs in histories ${suspects.slice(0, 10).join(', ')}, but none does on its own: ${why}`,
        );
      }
      console.info(
        `differential test of indicators.md §1: ${cases.length} histories in ${Math.ceil(cases.length / BATCH)} builds, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    },
    24 * 3_600_000,
  );
});
