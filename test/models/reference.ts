/**
 * A second implementation of the building blocks of indicators.md §1 (toewijzing, hulpvorm, delivery
 * episode, trajectory, verblijfsepisode, peildatum), written from the text of the specification and of
 * docs/indicatoren.md, not from the SQL models. Used only by the differential test, which compares it
 * with core.* on random delivery histories: where the two disagree, either a model is wrong or the
 * specification left a choice open, which docs/indicatoren.md then states and this file follows (each
 * such rule names the sentence it follows).
 *
 * Plain loops over small arrays: clarity over speed. Dates are `YYYY-MM-DD` strings.
 */

export interface Versie {
  gemeente: string;
  toewijzingnummer: string;
  client_id: string;
  aanbieder_agb: string;
  productcategorie: string;
  productcode: string | null;
  toewijzingsdatum: string;
  toewijzingstijd: string;
  ingangsdatum: string;
  einddatum: string | null;
  reden_wijziging: string | null;
  dagtekening: string;
  bestand: string;
  seq: number;
}

export interface StartBericht {
  gemeente: string;
  toewijzingnummer: string;
  productcategorie: string;
  productcode: string | null;
  begindatum: string;
  status_aanlevering: string;
  dagtekening: string;
  bestand: string;
  seq: number;
}

export interface StopBericht extends StartBericht {
  einddatum: string;
  reden_beeindiging: string;
}

/** A row of a clientbestand (delivery.md §3.3), as loaded. */
export interface ClientRij {
  gemeente: string;
  toewijzingnummer: string;
  client_id: string;
  aanbieder_agb: string;
  productcategorie: string;
  productcode: string | null;
  toewijzingsdatum: string;
  ingangsdatum: string;
  einddatum: string | null;
  start_zorg: string | null;
  einde_zorg: string | null;
  reden_beeindiging: string | null;
  /** The date in the file name. */
  file_date: string | null;
  bestand: string;
  line: number;
}

export interface Levering {
  jw301: Versie[];
  jw305: StartBericht[];
  jw307: StopBericht[];
  clientbestand: ClientRij[];
}

/**
 * A clientbestand as iJw messages (docs/indicatoren.md, "Clientbestand"): of each toewijzing only the row
 * of the latest file holds (delivery.md §3.3: files in order of the date in their name, then name, then
 * row; a file without a date in its name is older than every file with one). That row is one version
 * (Toewijzingstijd 00:00) with the date in the file name as its Dagtekening (without one, its
 * Toewijzingsdatum), start_zorg a start and einde_zorg a stop of it.
 */
export function alsBerichten(rows: readonly ClientRij[]): Pick<Levering, 'jw301' | 'jw305' | 'jw307'> {
  const latest = new Map<string, ClientRij>();
  const newer = (a: ClientRij, b: ClientRij) =>
    cmp(a.file_date ?? '', b.file_date ?? '') || cmp(a.bestand, b.bestand) || a.line - b.line;
  for (const r of rows) {
    const key = `${r.gemeente}|${r.toewijzingnummer}`;
    const held = latest.get(key);
    if (!held || newer(r, held) > 0) latest.set(key, r);
  }
  const out: Pick<Levering, 'jw301' | 'jw305' | 'jw307'> = { jw301: [], jw305: [], jw307: [] };
  for (const r of latest.values()) {
    const message = { dagtekening: r.file_date ?? r.toewijzingsdatum, bestand: r.bestand, seq: r.line };
    const product = { productcategorie: r.productcategorie, productcode: r.productcode };
    out.jw301.push({
      gemeente: r.gemeente,
      toewijzingnummer: r.toewijzingnummer,
      client_id: r.client_id,
      aanbieder_agb: r.aanbieder_agb,
      ...product,
      toewijzingsdatum: r.toewijzingsdatum,
      toewijzingstijd: '00:00:00',
      ingangsdatum: r.ingangsdatum,
      einddatum: r.einddatum,
      reden_wijziging: null,
      ...message,
    });
    if (r.start_zorg === null) continue;
    const start = {
      gemeente: r.gemeente,
      toewijzingnummer: r.toewijzingnummer,
      ...product,
      begindatum: r.start_zorg,
      status_aanlevering: '1',
      ...message,
    };
    out.jw305.push(start);
    if (r.einde_zorg !== null) {
      out.jw307.push({ ...start, einddatum: r.einde_zorg, reden_beeindiging: r.reden_beeindiging ?? '' });
    }
  }
  return out;
}

/** The iJw messages and the clientbestand rows together, as messages. */
function messages(levering: Levering): Pick<Levering, 'jw301' | 'jw305' | 'jw307'> {
  const cb = alsBerichten(levering.clientbestand);
  return {
    jw301: [...levering.jw301, ...cb.jw301],
    jw305: [...levering.jw305, ...cb.jw305],
    jw307: [...levering.jw307, ...cb.jw307],
  };
}

export interface Toewijzing {
  gemeente: string;
  toewijzingnummer: string;
  client_id: string;
  aanbieder_agb: string;
  productcategorie: string;
  productcode: string | null;
  hulpvorm: string | null;
  soort: string;
  met_verblijf: boolean | null;
  eerste_toewijzingsdatum: string;
  ingangsdatum: string;
  einddatum: string | null;
  aantal_versies: number;
}

export interface Episode {
  gemeente: string;
  toewijzingnummer: string;
  client_id: string;
  aanbieder_agb: string;
  soort: string;
  hulpvorm: string | null;
  begindatum: string;
  einddatum: string | null;
  reden_beeindiging: string | null;
  is_open: boolean;
  gesloten_op_toewijzing: boolean;
  aantal_onderbrekingen: number;
}

export interface Traject {
  gemeente: string;
  client_id: string;
  aanbieder_agb: string;
  hulpvorm: string;
  met_verblijf: boolean;
  begindatum: string;
  einddatum: string | null;
  reden_beeindiging: string | null;
  is_open: boolean;
  aantal_episodes: number;
}

export interface Verblijf {
  gemeente: string;
  client_id: string;
  begindatum: string;
  einddatum: string | null;
  is_open: boolean;
  duur_dagen: number;
  eerste_hulpvorm: string;
  hulpvormen: string;
}

/** Strings compared by code unit, as the warehouse compares them (not by locale). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const DAY = 86_400_000;
const toDays = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;
export const addDays = (d: string, n: number) => new Date((toDays(d) + n) * DAY).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => toDays(to) - toDays(from);
const later = (a: string, b: string) => (a > b ? a : b);

/** §1 Hulpvorm: the category table of the specification. */
const categorieHulpvorm: Record<string, string> = {
  '31': '01',
  '32': '02',
  '33': '03',
  '34': '04',
  '35': '11',
  '36': '12',
  '37': '13',
  '38': '14',
  '40': '04',
  '41': '03',
  '43': '14',
  '44': '14',
  '45': '02',
  '46': '02',
  '50': '02',
  '51': '02',
  '52': '02',
  '53': '02',
  '54': '02',
  '55': '02',
};
const justitieel: Record<string, string> = {
  '47': 'jeugdreclassering',
  '48': 'jeugdbescherming',
  '49': 'preventief_justitieel',
};
const JEUGDHULP_HULPVORMEN = new Set(['01', '02', '03', '04', '11', '12', '13', '14']);

/**
 * The soort and hulpvorm of a product; undefined when it cannot be classified (then the toewijzing counts
 * nowhere: docs/indicatoren.md, "Een product zonder bekende hulpvorm"). `productList`: code → the
 * `dimensie_hulpvorm_code` of the standard product list.
 */
export function classify(
  categorie: string,
  code: string | null,
  productList: ReadonlyMap<string, string>,
): { soort: string; hulpvorm: string | null } | undefined {
  const kader = justitieel[categorie];
  if (kader) return { soort: kader, hulpvorm: null };
  const fromList = code === null ? undefined : productList.get(code);
  if (fromList !== undefined && JEUGDHULP_HULPVORMEN.has(fromList)) {
    return { soort: 'jeugdhulp', hulpvorm: fromList };
  }
  if (categorie === '42') return { soort: 'vervoer', hulpvorm: null };
  const viaCategorie = categorieHulpvorm[categorie];
  return viaCategorie ? { soort: 'jeugdhulp', hulpvorm: viaCategorie } : undefined;
}

function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Message order (§1 Delivery episode): Dagtekening, then file name, then place in the file. */
function messageOrder(a: { dagtekening: string; bestand: string; seq: number }, b: typeof a): number {
  return cmp(a.dagtekening, b.dagtekening) || cmp(a.bestand, b.bestand) || a.seq - b.seq;
}

/**
 * §1 Toewijzing: the version with the latest (Toewijzingsdatum, Toewijzingstijd) holds; on a tie the
 * later message (docs/indicatoren.md, "Twee versies met dezelfde Toewijzingsdatum en -tijd"). A current
 * version with RedenWijziging 13 means the toewijzing never existed.
 */
export function toewijzingen(levering: Levering, productList: ReadonlyMap<string, string>): Toewijzing[] {
  const byKey = new Map<string, Versie[]>();
  for (const v of messages(levering).jw301) {
    const key = `${v.gemeente}|${v.toewijzingnummer}`;
    byKey.set(key, [...(byKey.get(key) ?? []), v]);
  }
  const out: Toewijzing[] = [];
  for (const versies of byKey.values()) {
    const sorted = [...versies].sort(
      (a, b) =>
        cmp(a.toewijzingsdatum, b.toewijzingsdatum) ||
        cmp(a.toewijzingstijd, b.toewijzingstijd) ||
        messageOrder(a, b),
    );
    const current = sorted[sorted.length - 1]!;
    if (current.reden_wijziging === '13') continue;
    const klasse = classify(current.productcategorie, current.productcode, productList);
    if (!klasse) continue;
    out.push({
      gemeente: current.gemeente,
      toewijzingnummer: current.toewijzingnummer,
      client_id: current.client_id,
      aanbieder_agb: current.aanbieder_agb,
      productcategorie: current.productcategorie,
      productcode: current.productcode,
      hulpvorm: klasse.hulpvorm,
      soort: klasse.soort,
      met_verblijf: klasse.hulpvorm === null ? null : klasse.hulpvorm >= '11',
      eerste_toewijzingsdatum: sorted.map((v) => v.toewijzingsdatum).sort()[0]!,
      ingangsdatum: current.ingangsdatum,
      einddatum: current.einddatum,
      aantal_versies: versies.length,
    });
  }
  return out;
}

const messageKey = (m: StartBericht) =>
  [m.gemeente, m.toewijzingnummer, m.productcategorie, m.productcode ?? '', m.begindatum].join('|');

/** Applies messages in order: status 1 and 2 insert or replace, 3 deletes. What is left, by key. */
function applied<T extends StartBericht>(messages: readonly T[]): Map<string, T> {
  const state = new Map<string, T>();
  for (const m of [...messages].sort(messageOrder)) {
    if (m.status_aanlevering === '3') state.delete(messageKey(m));
    else state.set(messageKey(m), m);
  }
  return state;
}

/**
 * §1 Delivery episode. A start with the stop of the same key (a stop ending before its start is no stop:
 * docs/indicatoren.md). The starts of a toewijzing, in order of begindatum (then product: two starts on
 * one day, docs/indicatoren.md), continue one episode while the
 * previous one's stop had reden 20 and the next starts 1-90 days after it; the episode ends as its last
 * start does. Without a stop: open, or closed on the toewijzing's Einddatum once that lies before the
 * peildatum (on the start itself when the Einddatum lies before it: docs/indicatoren.md).
 */
export function episodes(
  levering: Levering,
  toewijzing: readonly Toewijzing[],
  peildatum: string,
): Episode[] {
  const { jw305, jw307 } = messages(levering);
  const starts = applied(jw305);
  const stops = applied(jw307);
  const byToewijzing = new Map(toewijzing.map((t) => [`${t.gemeente}|${t.toewijzingnummer}`, t]));
  const segmenten = new Map<string, { begin: string; order: string[]; stop: StopBericht | undefined }[]>();
  for (const [key, s] of starts) {
    const t = byToewijzing.get(`${s.gemeente}|${s.toewijzingnummer}`);
    if (!t) continue;
    const stop = stops.get(key);
    const list = segmenten.get(`${s.gemeente}|${s.toewijzingnummer}`) ?? [];
    list.push({
      begin: s.begindatum,
      order: [s.begindatum, s.productcategorie, s.productcode ?? ''],
      stop: stop && stop.einddatum >= s.begindatum ? stop : undefined,
    });
    segmenten.set(`${s.gemeente}|${s.toewijzingnummer}`, list);
  }
  const out: Episode[] = [];
  for (const [key, list] of segmenten) {
    const t = byToewijzing.get(key)!;
    list.sort((a, b) => compareTuples(a.order, b.order));
    const groups: (typeof list)[] = [];
    for (const seg of list) {
      const current = groups[groups.length - 1];
      const last = current?.[current.length - 1];
      const gap = last?.stop ? daysBetween(last.stop.einddatum, seg.begin) : undefined;
      if (current && last?.stop?.reden_beeindiging === '20' && gap !== undefined && gap >= 1 && gap <= 90) {
        current.push(seg);
      } else groups.push([seg]);
    }
    for (const group of groups) {
      const begin = group[0]!.begin;
      const last = group[group.length - 1]!;
      const closed = !last.stop && t.einddatum !== null && t.einddatum < peildatum;
      out.push({
        gemeente: t.gemeente,
        toewijzingnummer: t.toewijzingnummer,
        client_id: t.client_id,
        aanbieder_agb: t.aanbieder_agb,
        soort: t.soort,
        hulpvorm: t.hulpvorm,
        begindatum: begin,
        einddatum: last.stop ? last.stop.einddatum : closed ? later(t.einddatum!, begin) : null,
        reden_beeindiging: last.stop ? last.stop.reden_beeindiging : null,
        is_open: !last.stop && !closed,
        gesloten_op_toewijzing: closed,
        aantal_onderbrekingen: group.length - 1,
      });
    }
  }
  return out;
}

const OPEN = '9999-12-31';

/**
 * Groups `items` (sorted by start) into runs that overlap or adjoin: the next starts at most one day
 * after the latest end so far (open: never ends).
 */
function runs<T>(items: readonly T[], start: (x: T) => string, end: (x: T) => string | null): T[][] {
  const sorted = [...items].sort((a, b) => cmp(start(a), start(b)));
  const out: T[][] = [];
  let until = '';
  for (const x of sorted) {
    if (out.length > 0 && start(x) <= addDaysOpen(until, 1)) out[out.length - 1]!.push(x);
    else {
      out.push([x]);
      until = '';
    }
    until = later(until, end(x) ?? OPEN);
  }
  return out;
}

const addDaysOpen = (d: string, n: number) => (d === OPEN ? OPEN : addDays(d, n));

/**
 * §1 Trajectory: jeugdhulp episodes of one client, gemeente, provider and hulpvorm that overlap or adjoin.
 * Reden: that of the episode that ends last (open counts as last); on a tie the one that started last,
 * and on a tie of both the highest reden code (docs/indicatoren.md).
 */
export function trajecten(episode: readonly Episode[]): Traject[] {
  const groups = new Map<string, Episode[]>();
  for (const e of episode) {
    if (e.soort !== 'jeugdhulp') continue;
    const key = [e.gemeente, e.client_id, e.aanbieder_agb, e.hulpvorm].join('|');
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: Traject[] = [];
  for (const list of groups.values()) {
    for (const run of runs(
      list,
      (e) => e.begindatum,
      (e) => e.einddatum,
    )) {
      const isOpen = run.some((e) => e.is_open);
      const last = [...run].sort(
        (a, b) =>
          cmp(a.einddatum ?? OPEN, b.einddatum ?? OPEN) ||
          cmp(a.begindatum, b.begindatum) ||
          cmp(a.reden_beeindiging ?? '', b.reden_beeindiging ?? ''),
      )[run.length - 1]!;
      const first = run[0]!;
      out.push({
        gemeente: first.gemeente,
        client_id: first.client_id,
        aanbieder_agb: first.aanbieder_agb,
        hulpvorm: first.hulpvorm!,
        met_verblijf: first.hulpvorm! >= '11',
        begindatum: run.map((e) => e.begindatum).sort()[0]!,
        einddatum: isOpen ? null : run.map((e) => e.einddatum!).sort()[run.length - 1]!,
        reden_beeindiging: isOpen ? null : last.reden_beeindiging,
        is_open: isOpen,
        aantal_episodes: run.length,
      });
    }
  }
  return out;
}

/**
 * §1 Verblijfsepisode: trajectories with stay of one client in one gemeente that overlap or adjoin,
 * censored at the peildatum (docs/verblijf-en-kosten.md): a trajectory starting after it does not exist
 * yet, an end after it is not known yet. Duration: end − start, or peildatum − start while open. The first
 * type is that of the trajectory that starts the stay; of two starting the same day, the lower code.
 */
export function verblijfsepisodes(traject: readonly Traject[], peildatum: string): Verblijf[] {
  const groups = new Map<string, Traject[]>();
  for (const t of traject) {
    if (!t.met_verblijf || t.begindatum > peildatum) continue;
    const key = `${t.gemeente}|${t.client_id}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const censoredEnd = (t: Traject) => (t.einddatum === null || t.einddatum > peildatum ? null : t.einddatum);
  const out: Verblijf[] = [];
  for (const list of groups.values()) {
    for (const run of runs(list, (t) => t.begindatum, censoredEnd)) {
      const begin = run[0]!.begindatum;
      const isOpen = run.some((t) => censoredEnd(t) === null);
      const end = isOpen ? null : run.map((t) => censoredEnd(t)!).sort()[run.length - 1]!;
      out.push({
        gemeente: run[0]!.gemeente,
        client_id: run[0]!.client_id,
        begindatum: begin,
        einddatum: end,
        is_open: isOpen,
        duur_dagen: daysBetween(begin, end ?? peildatum),
        eerste_hulpvorm: run
          .filter((t) => t.begindatum === begin)
          .map((t) => t.hulpvorm)
          .sort()[0]!,
        hulpvormen: [...new Set(run.map((t) => t.hulpvorm))].sort().join(','),
      });
    }
  }
  return out;
}

/**
 * §1 Peildatum from the data: the latest Dagtekening and JW307 Einddatum, capped at the run date; of a
 * clientbestand the date in its name and its einde_zorg play their part (docs/indicatoren.md).
 */
export function berekendePeildatum(levering: Levering, rundatum: string): string {
  const dates = [
    ...levering.jw301.map((m) => m.dagtekening),
    ...levering.jw305.map((m) => m.dagtekening),
    ...levering.jw307.flatMap((m) => [m.dagtekening, m.einddatum]),
    ...levering.clientbestand.flatMap((r) => [r.file_date, r.einde_zorg]).filter((d) => d !== null),
  ];
  const latest = dates.sort()[dates.length - 1] ?? rundatum;
  return latest < rundatum ? latest : rundatum;
}
