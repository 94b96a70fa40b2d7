/**
 * The demo region's care histories, as pure data: who got which toewijzing, its versions, when care
 * started, paused and stopped, and when each of those facts was reported. The writers turn this into
 * deliveries; tests check volumes and distributions here, without files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidBsn } from '../lib/elfproef.js';
import type { Gemeente } from '../lib/gemeenten.js';
import { referenceDir } from '../lib/paths.js';
import {
  type Aanbieder,
  aanbiedersVan,
  hulpvormVan,
  metVerblijf,
  omvangVan,
  productsVan,
  redenMix,
  startMix,
  trueDuration,
  verwijzerMix,
  type Zorgsoort,
} from './catalog.js';
import { addDays, dayNumber, daysBetween, fromDayNumber, maxDate, minDate } from './dates.js';
import { drawPersonalia, type Personalia } from './personal.js';
import type { Rng } from './random.js';

/**
 * New clients per year per youth aged 0–22 at scale 1, tuned so that the region has about 14,000
 * distinct youths with jeugdhulp a year (see test/generate/model.test.ts).
 */
export const INSTROOM_PER_JEUGDIGE = 0.06;

/** Years of history simulated before `from`, so the first delivered year already holds running care. */
export const WARMUP_YEARS = 3;

export interface Client {
  bsn: string;
  geboortedatum: string;
  geslacht: '1' | '2';
  postcode: string;
  personalia: Personalia;
  ouder: Personalia;
}

/** One version of a toewijzing as sent in a JW301. */
export interface Versie {
  /** The day the message was sent (Dagtekening). */
  dagtekening: string;
  toewijzingsdatum: string;
  toewijzingstijd: string;
  einddatum: string | undefined;
  /** JZ002; absent on the first version. */
  redenWijziging: string | undefined;
}

/** A report of a start (JW305) or stop (JW307) as sent, with its StatusAanlevering. */
export interface Melding {
  dagtekening: string;
  begindatum: string;
  /** Only for stops. */
  einddatum?: string;
  reden?: string;
  status: '1' | '2' | '3';
}

/** One stretch of delivered care on a toewijzing (a pause with reden 20 splits care into two). */
export interface Levering {
  begindatum: string;
  /** Absent while care runs at `until`. */
  einddatum: string | undefined;
  reden: string | undefined;
}

export interface Toewijzing {
  nummer: number;
  gemeente: string;
  client: Client;
  soort: Zorgsoort;
  hulpvorm: string;
  categorie: string;
  productcode: string;
  aanbieder: Aanbieder;
  verwijzer: string;
  volume: number;
  eenheid: string;
  frequentie: string;
  /** Tarief per unit in eurocent. */
  tarief: number;
  /** Budget in eurocent, for about 40% of toewijzingen. */
  budget: number | undefined;
  ingangsdatum: string;
  /** Versions in the order they were sent; the last holds. */
  versies: Versie[];
  /** RedenWijziging 13: the toewijzing never existed. */
  verwijderd: boolean;
  /** The JW315 that asked for it: its Dagtekening and ReferentieAanbieder. */
  verzoek: { dagtekening: string; referentie: string } | undefined;
  /** The true care delivered, pauses apart; empty when no care was delivered. */
  leveringen: Levering[];
  /** What the provider reported, in order; may be late, corrected or missing. */
  starts: Melding[];
  stops: Melding[];
}

export interface HistoryOptions {
  /** First year delivered. */
  from: number;
  /** Last year delivered. */
  to: number;
  /** Last day of the data: nothing is sent after it. */
  until: string;
  scale: number;
}

interface Populatie {
  jaar: number;
  jeugd: number;
}

function readPopulation(): Map<string, Populatie[]> {
  const lines = readFileSync(join(referenceDir, 'bevolking-jeugd-demo.csv'), 'utf8').trim().split(/\r?\n/);
  const map = new Map<string, Populatie[]>();
  for (const line of lines.slice(1)) {
    const [gm, jaar, a, b] = line.split(',');
    if (!gm || !jaar || !a || !b)
      throw new Error(`reference/bevolking-jeugd-demo.csv: malformed line: ${line}`);
    const list = map.get(gm) ?? [];
    list.push({ jaar: Number(jaar), jeugd: Number(a) + Number(b) });
    map.set(gm, list);
  }
  return map;
}

const population = readPopulation();

/** Youths aged 0–22 in `gemeente` in `year` (nearest year available). */
export function jeugdPopulatie(gemeente: string, year: number): number {
  const list = population.get(gemeente);
  if (!list || list.length === 0)
    throw new Error(`reference/bevolking-jeugd-demo.csv: no rows for ${gemeente}`);
  let best = list[0]!;
  for (const p of list) if (Math.abs(p.jaar - year) < Math.abs(best.jaar - year)) best = p;
  return best.jeugd;
}

/** The four postcode digits of each gemeente's towns (invented letters are added per client). */
export const postcodeRanges: Record<string, [number, number]> = {
  GM0148: [7720, 7722],
  GM0150: [7411, 7431],
  GM0160: [7770, 7799],
  GM0166: [8261, 8267],
  GM1773: [8121, 8124],
  GM0175: [7731, 7732],
  GM0177: [8102, 8105],
  GM0180: [7951, 7955],
  GM1708: [8331, 8346],
  GM1896: [8061, 8066],
  GM0193: [8011, 8043],
};

const POSTCODE_LETTERS = 'ABCDEGHJKLMNPRSTVWXZ';

let validBsns: string[] | undefined;

/** Every BSN in the test range 999900006–999999990 that passes the 11-proef (9,091 numbers). */
export function testBsns(): string[] {
  if (!validBsns) {
    validBsns = [];
    for (let v = 999900006; v <= 999999990; v++) {
      const s = String(v);
      if (isValidBsn(s)) validBsns.push(s);
    }
  }
  return validBsns;
}

/**
 * The part of the test range a gemeente hands out: a contiguous slice proportional to its youth
 * population, so no two gemeenten share a BSN. The range holds only 9,091 valid numbers, fewer than the
 * region's clients over eight years at scale ≥ 0.25, so a slice is reused in a cycle once used up
 * (`bsnPoolUse` counts how often that happens).
 */
export function bsnSlice(gemeente: string, all: readonly Gemeente[]): string[] {
  const bsns = testBsns();
  const weights = all.map((g) => jeugdPopulatie(g.cbsCode, 2024));
  const total = weights.reduce((a, b) => a + b, 0);
  let start = 0;
  for (const [i, g] of all.entries()) {
    const size = Math.floor((bsns.length * weights[i]!) / total);
    if (g.cbsCode === gemeente) return bsns.slice(start, start + size);
    start += size;
  }
  throw new Error(`Expected a gemeente of the region, got ${gemeente}`);
}

function drawClient(
  rng: Rng,
  bsn: string,
  gemeente: string,
  start: string,
  volwassenVervolg: boolean,
): Client {
  const geslacht = rng.chance(0.56) ? '1' : '2';
  // Age at first care: few toddlers, a bulge at 8–16, some young adults continuing (verlengde jeugdhulp).
  const leeftijd = volwassenVervolg
    ? '18-20'
    : rng.weighted({ '0-3': 8, '4-7': 18, '8-11': 26, '12-15': 30, '16-17': 14, '18-20': 4 });
  const [lo, hi] = leeftijd.split('-').map(Number) as [number, number];
  const ageDays = rng.int(lo * 365 + 1, hi * 365 + 364);
  const [pcLo, pcHi] = postcodeRanges[gemeente] ?? [8000, 8000];
  const letters = `${POSTCODE_LETTERS[rng.int(0, 19)]}${POSTCODE_LETTERS[rng.int(0, 19)]}`;
  return {
    bsn,
    geboortedatum: addDays(start, -ageDays),
    geslacht,
    postcode: `${rng.int(pcLo, pcHi)}${letters}`,
    personalia: drawPersonalia(rng, geslacht),
    ouder: drawPersonalia(rng, rng.chance(0.7) ? '2' : '1'),
  };
}

function time(rng: Rng): string {
  return `${String(rng.int(8, 17)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
}

/** Day of the 23rd birthday: jeugdhulp stops before it. */
function endOfJeugd(client: Client): string {
  return addDays(`${Number(client.geboortedatum.slice(0, 4)) + 23}${client.geboortedatum.slice(4)}`, -1);
}

interface Context {
  rng: Rng;
  gemeente: string;
  opts: HistoryOptions;
  nextNummer: () => number;
  out: Toewijzing[];
}

/**
 * Draws one toewijzing from request to last report, and returns the true last day of care (or undefined
 * when care is still running at `until` or never started).
 */
function drawToewijzing(
  ctx: Context,
  client: Client,
  soort: Zorgsoort,
  gewenst: string,
  viaVerzoek: boolean,
): string | undefined {
  const { rng, opts } = ctx;
  const until = opts.until;
  const product = rng.pick(productsVan[soort]);
  const aanbieder = rng.pick(aanbiedersVan[soort]);
  const omvang = omvangVan(soort);
  const nummer = ctx.nextNummer();

  const verzoek = viaVerzoek
    ? { dagtekening: addDays(gewenst, -rng.int(3, 25)), referentie: `${aanbieder.agb.slice(-4)}-${nummer}` }
    : undefined;
  const toewijzingsdatum = verzoek
    ? addDays(verzoek.dagtekening, rng.int(1, 18))
    : addDays(gewenst, -rng.int(0, 21));
  if (toewijzingsdatum > until) return undefined;
  const ingangsdatum = addDays(toewijzingsdatum, rng.int(0, 10));
  const geplandeDuur = metVerblijf(soort) ? 365 : soort === 'wijkteam' ? 91 : rng.pick([182, 182, 365]);
  const eersteEind = addDays(ingangsdatum, geplandeDuur - 1);
  const versies: Versie[] = [
    {
      dagtekening: toewijzingsdatum,
      toewijzingsdatum,
      toewijzingstijd: time(rng),
      einddatum: rng.chance(0.93) ? eersteEind : undefined,
      redenWijziging: undefined,
    },
  ];
  const budget = rng.chance(0.4)
    ? Math.min(
        99_999_999,
        Math.round((omvang.tarief * geplandeDuur * (metVerblijf(soort) ? 1 : 0.4)) / 100) * 100,
      )
    : undefined;
  const t: Toewijzing = {
    nummer,
    gemeente: ctx.gemeente,
    client,
    soort,
    hulpvorm: hulpvormVan[soort],
    categorie: product.categorie,
    productcode: product.code,
    aanbieder,
    verwijzer: rng.weighted(verwijzerMix),
    volume: omvang.eenheid === '14' ? 1 : rng.int(1, 6),
    eenheid: omvang.eenheid,
    frequentie: omvang.frequentie,
    tarief: omvang.tarief,
    budget,
    ingangsdatum,
    versies,
    verwijderd: false,
    verzoek,
    leveringen: [],
    starts: [],
    stops: [],
  };
  ctx.out.push(t);

  // A few toewijzingen are withdrawn before care begins: RedenWijziging 13 Verwijderd.
  if (rng.chance(0.015)) {
    const dag = addDays(toewijzingsdatum, rng.int(1, 20));
    if (dag <= until) {
      t.verwijderd = true;
      versies.push({ ...versies[0]!, dagtekening: dag, toewijzingstijd: time(rng), redenWijziging: '13' });
      // Sometimes the provider had already reported a start the ingest must drop with it.
      if (rng.chance(0.2)) t.starts.push({ dagtekening: dag, begindatum: ingangsdatum, status: '1' });
      return undefined;
    }
  }

  // Waiting time from ingangsdatum to the first day of care; a few never start at all.
  if (rng.chance(0.03)) return undefined;
  const start = addDays(ingangsdatum, Math.min(120, Math.floor(rng.lognormal(6, 1.1))));
  if (start > until) return undefined;
  const { medianDays, sigma } = trueDuration[soort];
  let duur = Math.max(1, Math.round(rng.lognormal(medianDays, sigma)));
  let reden = rng.weighted(redenMix);
  const cap = endOfJeugd(client);
  if (addDays(start, duur - 1) > cap) {
    duur = Math.max(1, daysBetween(start, cap) + 1);
    reden = '39';
  }

  // A pause (reden 20) splits the care in two; the restart follows 1–90 days later.
  const pauze = duur >= 90 && rng.chance(0.035) ? rng.int(30, duur - 30) : undefined;
  const stukken: { begin: string; eind: string; reden: string }[] = [];
  if (pauze !== undefined) {
    const gap = rng.int(1, 90);
    const eind1 = addDays(start, pauze - 1);
    stukken.push({ begin: start, eind: eind1, reden: '20' });
    stukken.push({ begin: addDays(eind1, gap + 1), eind: addDays(start, duur - 1 + gap), reden });
  } else {
    stukken.push({ begin: start, eind: addDays(start, duur - 1), reden });
  }

  let laatste: string | undefined;
  for (const s of stukken) {
    if (s.begin > until) break;
    const loopt = s.eind > until;
    t.leveringen.push({
      begindatum: s.begin,
      einddatum: loopt ? undefined : s.eind,
      reden: loopt ? undefined : s.reden,
    });
    laatste = loopt ? undefined : s.eind;

    // JW305: usually within days; now and then a wrong start withdrawn (3) and resent.
    const startDag = addDays(s.begin, rng.int(1, 10));
    if (rng.chance(0.01)) {
      const fout = addDays(s.begin, rng.int(-20, -1));
      t.starts.push({ dagtekening: startDag, begindatum: fout, status: '1' });
      t.starts.push({ dagtekening: addDays(startDag, rng.int(5, 30)), begindatum: fout, status: '3' });
      t.starts.push({ dagtekening: addDays(startDag, rng.int(31, 40)), begindatum: s.begin, status: '1' });
    } else {
      t.starts.push({ dagtekening: startDag, begindatum: s.begin, status: '1' });
    }
    if (loopt) break;

    // JW307: mostly on time, some late, some never (the pause stop is always sent).
    const soortStop = s.reden === '20' ? 'tijdig' : rng.weighted({ tijdig: 85, laat: 8, nooit: 7 });
    if (soortStop === 'nooit') continue;
    const stopDag = addDays(s.eind, soortStop === 'laat' ? rng.int(30, 200) : rng.int(1, 14));
    if (rng.chance(0.03) && s.reden !== '20') {
      // A corrected stop: first sent with the wrong date, then changed (StatusAanlevering 2).
      const fout = addDays(s.eind, rng.int(-14, -1));
      t.stops.push({
        dagtekening: stopDag,
        begindatum: s.begin,
        einddatum: maxDate(fout, s.begin),
        reden: s.reden,
        status: '1',
      });
      t.stops.push({
        dagtekening: addDays(stopDag, rng.int(3, 40)),
        begindatum: s.begin,
        einddatum: s.eind,
        reden: s.reden,
        status: '2',
      });
    } else {
      t.stops.push({
        dagtekening: stopDag,
        begindatum: s.begin,
        einddatum: s.eind,
        reden: s.reden,
        status: '1',
      });
    }
  }

  // Verlenging (04) while care runs past the planned end; verkorting (05) when it ended well before.
  let eind = versies[0]!.einddatum;
  const echtEind = t.leveringen.at(-1)?.einddatum;
  while (eind !== undefined && (echtEind === undefined || echtEind > eind)) {
    const dag = addDays(eind, -rng.int(7, 40));
    if (dag > until) break;
    eind = addDays(eind, metVerblijf(soort) ? 365 : 182);
    versies.push({
      dagtekening: dag,
      toewijzingsdatum: dag,
      toewijzingstijd: time(rng),
      einddatum: eind,
      redenWijziging: '04',
    });
  }
  if (eind !== undefined && echtEind !== undefined && daysBetween(echtEind, eind) > 60 && rng.chance(0.5)) {
    const dag = addDays(echtEind, rng.int(1, 30));
    if (dag <= until)
      versies.push({
        dagtekening: dag,
        toewijzingsdatum: dag,
        toewijzingstijd: time(rng),
        einddatum: echtEind,
        redenWijziging: '05',
      });
  }
  return laatste;
}

/**
 * Draws every toewijzing of one gemeente, from `WARMUP_YEARS` before `from` up to `until`. Care that
 * ended before `from`-01-01 is dropped; care running at that day is kept (its messages are delivered as
 * the municipality's first archive). Deterministic for the rng.
 */
export function drawHistories(
  gemeente: string,
  bsns: readonly string[],
  opts: HistoryOptions,
  rng: Rng,
): Toewijzing[] {
  if (bsns.length === 0) throw new Error(`Expected test BSNs for ${gemeente}, got none`);
  const out: Toewijzing[] = [];
  let nummer = 100_000 + rng.int(0, 800_000);
  let bsnIndex = 0;
  const ctx: Context = { rng, gemeente, opts, nextNummer: () => nummer++, out };
  const first = `${opts.from - WARMUP_YEARS}-01-01`;
  const firstDay = dayNumber(first);
  const lastDay = dayNumber(opts.until);
  const instroom: { dag: number }[] = [];
  for (let year = opts.from - WARMUP_YEARS; year <= Number(opts.until.slice(0, 4)); year++) {
    const expected = INSTROOM_PER_JEUGDIGE * opts.scale * jeugdPopulatie(gemeente, year);
    const n = Math.floor(expected) + (rng.chance(expected - Math.floor(expected)) ? 1 : 0);
    const y0 = dayNumber(`${year}-01-01`);
    const y1 = dayNumber(`${year}-12-31`);
    for (let i = 0; i < n; i++) instroom.push({ dag: rng.int(y0, y1) });
  }
  instroom.sort((a, b) => a.dag - b.dag);

  for (const { dag } of instroom) {
    if (dag < firstDay || dag > lastDay) continue;
    const start = fromDayNumber(dag);
    const bsn = bsns[bsnIndex++ % bsns.length]!;
    const client = drawClient(rng, bsn, gemeente, start, rng.chance(0.01));
    let soort = rng.weighted(startMix);
    let gewenst = start;
    // A spell: the first toewijzing, sometimes a follow-up, sometimes transport alongside.
    for (let stap = 0; stap < 3; stap++) {
      const eind = drawToewijzing(ctx, client, soort, gewenst, rng.chance(0.35));
      if (soort === 'daghulp' && rng.chance(0.4)) drawToewijzing(ctx, client, 'vervoer', gewenst, false);
      if (metVerblijf(soort) && rng.chance(0.3))
        drawToewijzing(ctx, client, 'ambulant', addDays(gewenst, 20), false);
      if (eind === undefined || !rng.chance(stap === 0 ? 0.22 : 0.12)) break;
      // Follow-up care: a step up or down, within a month; sometimes years later (herhaald beroep).
      gewenst = addDays(eind, rng.chance(0.8) ? rng.int(1, 30) : rng.int(200, 1500));
      if (gewenst > opts.until || gewenst > endOfJeugd(client)) break;
      soort = rng.weighted({ ...startMix, vervoer: 0, wijkteam: 2 });
    }
  }
  const from = `${opts.from}-01-01`;
  return out.filter((t) => {
    const laatste = t.leveringen.at(-1);
    const eindZorg = laatste ? (laatste.einddatum ?? opts.until) : undefined;
    const eindToewijzing = t.versies.at(-1)!.einddatum ?? opts.until;
    return minDate(opts.until, maxDate(eindZorg ?? '0000-00-00', eindToewijzing)) >= from;
  });
}

/** Whether a toewijzing's care was active at some day in [from, to]. */
export function activeIn(t: Toewijzing, from: string, to: string): boolean {
  if (t.verwijderd) return false;
  return t.leveringen.some((l) => l.begindatum <= to && (l.einddatum === undefined || l.einddatum >= from));
}
