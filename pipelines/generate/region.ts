/**
 * Writes the demo region: for each municipality its inbox folder with what it would really deliver
 * (iJw messages loose or zipped, uitkomsten, clientbestand), with a few planted faults, and the manifest.
 * Municipality by municipality and month by month, so memory stays bounded by one gemeente's histories.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Gemeente, gemeenten } from '../lib/gemeenten.js';
import type { Logger } from '../lib/log.js';
import { addDays, compact, maxDate, minDate, monthEnd, monthStart, noonUtc } from './dates.js';
import { type Dialect, dialectOf, drifts } from './dialects.js';
import { type FaultRule, type FileEntry, ManifestWriter, type Member, type Totals } from './manifest.js';
import { bsnSlice, drawHistories, type Toewijzing } from './model.js';
import { clearPreviousRegion, occupied } from './out.js';
import { commentaren } from './personal.js';
import { createRng, type Rng } from './random.js';
import { type Row, renderCsv, renderXlsx } from './tabular.js';
import {
  foreignNamespace,
  type Header,
  jw301,
  jw305or307,
  jw315,
  jw323,
  type MessageType,
  type Override,
  type Prestatie,
} from './xml.js';
import { zipEntries } from './zip.js';

export interface GenerateOptions {
  out: string;
  manifest: string;
  seed: number;
  scale: number;
  from: number;
  to: number;
  until: string;
  /** Write into a folder that holds files RIJM did not generate (they are left as they are). */
  force?: boolean;
}

interface Planted {
  rule: FaultRule;
  path: string;
  value: string;
  detail: string;
}

interface Bericht {
  dagtekening: string;
  code: MessageType;
  products: number;
  render: (identificatie: string, override: Override) => string;
  fault?: Planted;
}

const UITKOMST_COLUMNS = [
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
] as const;

const CLIENT_COLUMNS = [
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
] as const;

/** A BSN in the test range that fails the 11-proef: a valid one with its last digit changed. */
function brokenBsn(bsn: string): string {
  const last = Number(bsn.at(-1));
  return `${bsn.slice(0, 8)}${(last + 5) % 10}`;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function emptyTotals(levering: Totals['levering']): Totals {
  return { levering, files: 0, messages: {}, products: {}, rows: {}, faults: 0 };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

class GemeenteWriter {
  readonly dir: string;
  readonly totals: Totals;
  readonly rng: Rng;
  private readonly dialect: Dialect;
  seq = 0;
  written: {
    name: string;
    bytes: Buffer;
    date: string;
    type: FileEntry['type'];
    format: FileEntry['format'];
  }[] = [];

  constructor(
    readonly g: Gemeente,
    readonly opts: GenerateOptions,
    readonly manifest: ManifestWriter,
  ) {
    this.dir = join(opts.out, g.cbsCode);
    mkdirSync(this.dir, { recursive: true });
    this.dialect = dialectOf(g.cbsCode);
    this.totals = emptyTotals(this.dialect.ijw);
    this.rng = createRng(opts.seed, `${g.cbsCode}/levering`);
    manifest.totals[g.cbsCode] = this.totals;
  }

  get d(): Dialect {
    return this.dialect;
  }

  /** Writes a file with its mtime set to the delivery date and lists it in the manifest. */
  write(
    name: string,
    bytes: Buffer,
    date: string,
    entry: Omit<FileEntry, 'gemeente' | 'name' | 'bytes' | 'sha256'>,
  ): void {
    const file = join(this.dir, name);
    try {
      // Never over a file that is there: the previous region's files are gone, so it is not RIJM's.
      writeFileSync(file, bytes, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw occupied(this.opts.out, file);
      throw error;
    }
    const t = noonUtc(date);
    utimesSync(file, t, t);
    this.manifest.file({
      gemeente: this.g.cbsCode,
      name,
      bytes: bytes.length,
      sha256: sha256(bytes),
      ...entry,
    });
    this.written.push({ name, bytes, date, type: entry.type, format: entry.format });
    this.totals.files++;
  }

  fault(
    f: { file: string; rule: FaultRule } & Partial<Omit<Parameters<ManifestWriter['fault']>[0], 'gemeente'>>,
  ): void {
    this.manifest.fault({ gemeente: this.g.cbsCode, detail: '', ...f });
    this.totals.faults++;
  }
}

/** Every iJw message one gemeente's histories give rise to, before delivery. */
function berichtenVan(w: GemeenteWriter, ts: readonly Toewijzing[]): Bericht[] {
  const { g, opts, rng } = w;
  const first = `${opts.from}-01-01`;
  const out: Bericht[] = [];
  const at = (date: string) => maxDate(date, first);
  const plaats = w.d.naam;
  for (const t of ts) {
    const agb = t.aanbieder.agb;
    const naarGemeente = (id: string, dag: string): Header => ({
      afzender: agb,
      ontvanger: g.ijwCode,
      identificatie: id,
      dagtekening: dag,
    });
    if (t.verzoek) {
      const dag = at(t.verzoek.dagtekening);
      const commentaar = rng.chance(0.3) ? rng.pick(commentaren) : undefined;
      out.push({
        dagtekening: dag,
        code: 'JW315',
        products: 1,
        render: (id) => jw315(naarGemeente(id, dag), t, commentaar),
      });
    }
    t.versies.forEach((v, i) => {
      const dag = at(v.dagtekening);
      const commentaar = rng.chance(0.25) ? rng.pick(commentaren) : undefined;
      out.push({
        dagtekening: dag,
        code: 'JW301',
        products: 1,
        render: (id, override) =>
          jw301({ afzender: g.ijwCode, ontvanger: agb, identificatie: id, dagtekening: dag }, t, i, {
            plaats,
            ...(commentaar ? { commentaar } : {}),
            override,
          }),
      });
    });
    for (const m of t.starts) {
      const dag = at(m.dagtekening);
      out.push({
        dagtekening: dag,
        code: 'JW305',
        products: 1,
        render: (id, o) => jw305or307('JW305', naarGemeente(id, dag), t, m, o),
      });
    }
    for (const m of t.stops) {
      const dag = at(m.dagtekening);
      out.push({
        dagtekening: dag,
        code: 'JW307',
        products: 1,
        render: (id, o) => jw305or307('JW307', naarGemeente(id, dag), t, m, o),
      });
    }
  }
  out.push(...declaraties(w, ts));
  return out.filter((b) => b.dagtekening <= opts.until);
}

/** Monthly JW323 per provider: every month of delivered care, a few credited and declared again. */
function declaraties(w: GemeenteWriter, ts: readonly Toewijzing[]): Bericht[] {
  const { opts, g, rng } = w;
  const first = `${opts.from}-01-01`;
  const perMaand = new Map<string, Prestatie[]>();
  const add = (month: string, agb: string, p: Prestatie) => {
    const key = `${month}|${agb}`;
    const list = perMaand.get(key) ?? [];
    list.push(p);
    perMaand.set(key, list);
  };
  for (const t of ts) {
    if (t.verwijderd) continue;
    for (const l of t.leveringen) {
      let month = monthStart(maxDate(l.begindatum, first));
      const last = l.einddatum ?? opts.until;
      while (month <= last) {
        const begin = maxDate(month, l.begindatum);
        const eind = minDate(monthEnd(month), last);
        const dagen = (Date.parse(eind) - Date.parse(begin)) / 86_400_000 + 1;
        const volume =
          t.eenheid === '14'
            ? dagen
            : Math.max(1, Math.round((dagen / 7) * t.volume * (t.eenheid === '82' ? 2 : 1)));
        const ref = `${t.nummer}${compact(month).slice(0, 6)}`;
        add(month, t.aanbieder.agb, {
          referentie: ref,
          toewijzing: t,
          begin,
          eind,
          volume,
          bedrag: volume * t.tarief,
          dc: 'D',
        });
        if (volume > 1 && rng.chance(0.01)) {
          const next = addDays(monthEnd(month), 1);
          const p = { toewijzing: t, begin, eind, vorigeReferentie: ref };
          add(next, t.aanbieder.agb, {
            ...p,
            referentie: `${ref}C`,
            volume,
            bedrag: volume * t.tarief,
            dc: 'C',
          });
          add(next, t.aanbieder.agb, {
            ...p,
            referentie: `${ref}R`,
            volume: volume - 1,
            bedrag: (volume - 1) * t.tarief,
            dc: 'D',
          });
        }
        month = addDays(monthEnd(month), 1);
      }
    }
  }
  const out: Bericht[] = [];
  for (const [key, prestaties] of [...perMaand.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [month, agb] = key.split('|') as [string, string];
    const dag = addDays(monthEnd(month), rng.int(5, 12));
    const nummer = `D${compact(month).slice(0, 6)}${agb.slice(-4)}`;
    out.push({
      dagtekening: dag,
      code: 'JW323',
      products: prestaties.length,
      render: (id) =>
        jw323(
          { afzender: agb, ontvanger: g.ijwCode, identificatie: id, dagtekening: dag },
          nummer,
          { begin: month, eind: monthEnd(month) },
          prestaties,
        ),
    });
  }
  return out;
}

/** Extra messages copied from real ones with one planted error each. */
function plantXmlFaults(w: GemeenteWriter, berichten: Bericht[], index: number): Bericht[] {
  const { rng, g } = w;
  const other = gemeenten[(index + 3) % gemeenten.length]!;
  const pickOf = (code: MessageType) => {
    const list = berichten.filter((b) => b.code === code);
    return list.length ? rng.pick(list) : undefined;
  };
  const extra: Bericht[] = [];
  const plant = (
    code: MessageType,
    rule: FaultRule,
    path: string,
    value: (b: Bericht) => string,
    detail: string,
  ) => {
    const base = pickOf(code);
    if (!base) return;
    const v = value(base);
    extra.push({
      ...base,
      fault: { rule, path, value: v, detail },
      render: (id) => base.render(id, { path, value: v }),
    });
  };
  const jw301s = berichten.filter((b) => b.code === 'JW301');
  plant('JW301', 'bsn_elfproef', '/Bericht/Client/Bsn', (b) => brokenBsn(bsnIn(b)), 'BSN fails the 11-proef');
  plant(
    'JW305',
    'datum_ongeldig',
    '/Bericht/Client/StartProducten/StartProduct/Begindatum',
    (b) => `${b.dagtekening.slice(0, 4)}-02-31`,
    'Begindatum is not a date',
  );
  plant(
    'JW307',
    'code_onbekend',
    '/Bericht/Client/StopProducten/StopProduct/RedenBeeindiging',
    () => '99',
    'RedenBeeindiging 99 is not in JZ588',
  );
  plant(
    'JW301',
    'code_onbekend',
    '/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Product/Categorie',
    () => '99',
    'Categorie 99 is not in JZ020',
  );
  plant(
    'JW305',
    'andere_gemeente',
    '/Bericht/Header/Ontvanger',
    () => other.ijwCode,
    `message for ${other.cbsCode} in the inbox of ${g.cbsCode}`,
  );
  // A message of another standard or version: refused whole, naming the namespace.
  const base = jw301s.length ? rng.pick(jw301s) : undefined;
  if (base) {
    const kind = index % 2 === 0 ? 'iwmo' : 'ijw31';
    const ns = foreignNamespace(kind, 'JW301');
    extra.push({
      ...base,
      fault: {
        rule: 'namespace_onbekend',
        path: '/Bericht',
        value: ns,
        detail: kind === 'iwmo' ? 'iWmo message' : 'iJw 3.1 message',
      },
      render: (id) => base.render(id, undefined).replace(/xmlns="[^"]+"/, `xmlns="${ns}"`),
    });
  }
  return extra;
}

const bsnOf = new WeakMap<Bericht, string>();
function bsnIn(b: Bericht): string {
  return bsnOf.get(b) ?? /<Bsn>([0-9]{9})<\/Bsn>/.exec(b.render('X', undefined))?.[1] ?? '999900006';
}

/** How far back a municipality that delivers loose message files has them as loose files. */
const LOOSE_DAYS = 60;

async function writeIjw(w: GemeenteWriter, ts: readonly Toewijzing[], index: number): Promise<void> {
  const berichten = berichtenVan(w, ts);
  const faulty = plantXmlFaults(w, berichten, index);
  const all = [...berichten, ...faulty].sort((a, b) =>
    a.dagtekening < b.dagtekening ? -1 : a.dagtekening > b.dagtekening ? 1 : 0,
  );
  const name = (b: Bericht, seq: number) =>
    `ijw_${b.fault?.rule === 'namespace_onbekend' ? (b.fault.value.includes('iwmo') ? 'wmo301' : 'jw301') : b.code.toLowerCase()}_${compact(b.dagtekening)}_${String(seq).padStart(7, '0')}.xml`;
  const count = (b: Bericht) => {
    if (b.fault) return;
    bump(w.totals.messages, b.code);
    bump(w.totals.products, b.code, b.products);
  };
  // A municipality that delivers loose message files does so for its recent messages; the older history
  // reached the region once as its archive, zipped per month (as every other municipality delivers).
  const looseFrom = w.d.ijw === 'los' ? monthStart(addDays(w.opts.until, -LOOSE_DAYS)) : null;
  const loose = looseFrom === null ? [] : all.filter((b) => b.dagtekening >= looseFrom);
  const zipped = looseFrom === null ? all : all.filter((b) => b.dagtekening < looseFrom);
  if (loose.length > 0) {
    for (const b of loose) {
      const seq = ++w.seq;
      const file = name(b, seq);
      const xml = b.render(`B${String(seq).padStart(9, '0')}`, undefined);
      w.write(file, Buffer.from(xml, 'utf8'), b.dagtekening, {
        type: 'ijw',
        format: 'xml',
        message: b.code,
        products: b.products,
      });
      count(b);
      if (b.fault)
        w.fault({
          file,
          rule: b.fault.rule,
          path: b.fault.path,
          value: b.fault.value,
          detail: b.fault.detail,
        });
    }
  }
  // Zipped per month of Dagtekening, delivered at the month's end.
  let i = 0;
  while (i < zipped.length) {
    const month = zipped[i]!.dagtekening.slice(0, 7);
    const entries: { name: string; data: Buffer }[] = [];
    const members: Member[] = [];
    const faults: { member: string; f: Planted }[] = [];
    for (; i < zipped.length && zipped[i]!.dagtekening.startsWith(month); i++) {
      const b = zipped[i]!;
      const seq = ++w.seq;
      const member = name(b, seq);
      entries.push({
        name: member,
        data: Buffer.from(b.render(`B${String(seq).padStart(9, '0')}`, undefined), 'utf8'),
      });
      members.push({ name: member, message: b.code, products: b.products });
      count(b);
      if (b.fault) faults.push({ member, f: b.fault });
    }
    const date = minDate(monthEnd(`${month}-01`), w.opts.until);
    const file = `ijw_${compact(date)}.zip`;
    const bytes = await zipEntries(entries, noonUtc(date));
    w.write(file, bytes, date, { type: 'ijw', format: 'zip', members });
    for (const { member, f } of faults)
      w.fault({ file, member, rule: f.rule, path: f.path, value: f.value, detail: f.detail });
  }
}

interface Halfjaar {
  begin: string;
  eind: string;
}

function halfjaren(opts: GenerateOptions): Halfjaar[] {
  const out: Halfjaar[] = [];
  for (let y = opts.from; y <= opts.to; y++) {
    out.push({ begin: `${y}-01-01`, eind: `${y}-06-30` }, { begin: `${y}-07-01`, eind: `${y}-12-31` });
  }
  return out;
}

function uitkomstRows(w: GemeenteWriter, ts: readonly Toewijzing[], h: Halfjaar, fileDate: string): Row[] {
  const { rng, g } = w;
  const rows: Row[] = [];
  for (const t of ts) {
    if (t.verwijderd || t.hulpvorm === '') continue;
    const last = t.leveringen.at(-1);
    if (!last?.einddatum || last.reden === '20' || last.einddatum < h.begin || last.einddatum > h.eind)
      continue;
    if (!rng.chance(0.55)) continue;
    const age = Number(last.einddatum.slice(0, 4)) - Number(t.client.geboortedatum.slice(0, 4));
    const informants = age >= 12 ? (rng.chance(0.6) ? ['J', 'O'] : rng.chance(0.5) ? ['J'] : ['O']) : ['O'];
    for (const informant of informants) {
      const tevredenheid = rng.chance(0.85)
        ? String(Math.max(1, Math.min(10, Math.round(7.3 + 1.5 * (rng.next() + rng.next() - 1) * 1.7))))
        : '';
      rows.push({
        values: {
          gemeente: rng.chance(0.5) ? g.cbsCode : g.ijwCode,
          bsn: t.client.bsn,
          toewijzingnummer: String(t.nummer),
          aanbieder_agb: t.aanbieder.agb,
          productcode: t.productcode,
          einddatum: last.einddatum,
          informant,
          doelrealisatie: rng.weighted({ '1': 45, '2': 33, '3': 14, '': 8 }),
          tevredenheid,
          zonder_hulp_verder: rng.weighted({ '01': 18, '02': 24, '03': 14, '04': 32, '': 12 }),
          meetdatum: minDate(addDays(last.einddatum, rng.int(0, 30)), fileDate),
        },
      });
    }
  }
  return rows;
}

function clientRows(w: GemeenteWriter, ts: readonly Toewijzing[], h: Halfjaar, fileDate: string): Row[] {
  const { g, rng } = w;
  const rows: Row[] = [];
  for (const t of ts) {
    const versie = [...t.versies].reverse().find((v) => v.dagtekening <= fileDate);
    if (!versie || t.verwijderd) continue;
    const eerste = t.leveringen[0];
    const laatste = t.leveringen.at(-1);
    const bekendStart = eerste && t.starts.some((s) => s.dagtekening <= fileDate);
    const stop = laatste?.einddatum
      ? t.stops.findLast((s) => s.dagtekening <= fileDate && s.begindatum === laatste.begindatum)
      : undefined;
    const actiefTot = stop?.einddatum ?? versie.einddatum ?? fileDate;
    if (actiefTot < h.begin || versie.toewijzingsdatum > h.eind) continue;
    rows.push({
      values: {
        gemeente: g.cbsCode,
        bsn: t.client.bsn,
        geboortedatum: t.client.geboortedatum,
        geslacht: t.client.geslacht,
        postcode: rng.chance(0.5)
          ? t.client.postcode
          : `${t.client.postcode.slice(0, 4)} ${t.client.postcode.slice(4)}`,
        toewijzingnummer: String(t.nummer),
        aanbieder_agb: t.aanbieder.agb,
        productcategorie: t.categorie,
        productcode: t.productcode,
        toewijzingsdatum: t.versies[0]!.toewijzingsdatum,
        ingangsdatum: t.ingangsdatum,
        einddatum: versie.einddatum ?? '',
        volume: String(t.volume),
        eenheid: t.eenheid,
        frequentie: t.frequentie,
        budget: t.budget === undefined ? '' : (t.budget / 100).toFixed(2),
        verwijzer: t.verwijzer,
        start_zorg: bekendStart ? eerste.begindatum : '',
        einde_zorg: bekendStart && stop?.einddatum ? stop.einddatum : '',
        reden_beeindiging: bekendStart && stop?.reden ? stop.reden : '',
      },
    });
  }
  return rows;
}

const OPMERKINGEN = [
  'Budget verhoogd naar € 1.250,00 na “herindicatie”',
  'Moeder: ‘graag na schooltijd’; contact via wijkteam',
  'Meting telefonisch afgenomen; zie dossier',
  'Eindgesprek verzet, "ziek"; opnieuw gepland',
  'Let op: meerdere kinderen in gezin;\nzie ook broer/zus',
];

/** Plants row faults into a copy of the rows and returns where they went. */
function plantRowFaults(
  w: GemeenteWriter,
  rows: Row[],
  kind: 'uitkomsten' | 'clientbestand',
  index: number,
): { row: Row; rule: FaultRule; column: string; value: string; detail: string }[] {
  const { rng } = w;
  if (rows.length < 4) return [];
  const other = gemeenten[(index + 5) % gemeenten.length]!;
  const planted: { row: Row; rule: FaultRule; column: string; value: string; detail: string }[] = [];
  const copy = (column: string, value: string, rule: FaultRule, detail: string) => {
    const base = rng.pick(rows.filter((r) => !r.raw));
    const row: Row = { values: { ...base.values, [column]: value }, raw: new Set([column]) };
    planted.push({ row, rule, column, value, detail });
  };
  const dateCol = kind === 'uitkomsten' ? 'einddatum' : 'ingangsdatum';
  copy('bsn', brokenBsn(rng.pick(rows).values.bsn ?? '999900006'), 'bsn_elfproef', 'BSN fails the 11-proef');
  copy(
    dateCol,
    w.d.dateFormat === 'jjjj-mm-dd'
      ? '2024-02-31'
      : w.d.dateFormat === 'dd/mm/jjjj'
        ? '31/02/2024'
        : '31-02-2024',
    'datum_ongeldig',
    `${dateCol} is not a date`,
  );
  if (kind === 'uitkomsten')
    copy('doelrealisatie', '9', 'code_onbekend', 'doelrealisatie 9 is not 1, 2 or 3');
  else copy('productcategorie', '99', 'code_onbekend', 'productcategorie 99 is not in JZ020');
  copy(
    'gemeente',
    other.cbsCode,
    'andere_gemeente',
    `row for ${other.cbsCode} in the inbox of ${w.g.cbsCode}`,
  );
  // Spread the fault rows through the file, at positions fixed by the rng.
  for (const p of planted) rows.splice(rng.int(0, rows.length), 0, p.row);
  return planted;
}

async function writeTabular(
  w: GemeenteWriter,
  kind: 'uitkomsten' | 'clientbestand',
  date: string,
  rows: Row[],
  planted: ReturnType<typeof plantRowFaults>,
  opts: { name?: string; header?: string[]; countTotals?: boolean; dialect?: Dialect } = {},
): Promise<{ name: string; bytes: Buffer; lines: number[] }> {
  const d = opts.dialect ?? w.d;
  const columns: string[] = [...(kind === 'uitkomsten' ? UITKOMST_COLUMNS : CLIENT_COLUMNS)];
  if (d.opmerking) {
    columns.push('opmerking');
    for (const r of rows)
      if (!r.values.opmerking && w.rng.chance(0.15)) r.values.opmerking = w.rng.pick(OPMERKINGEN);
  }
  const name = opts.name ?? `${kind}_${compact(date)}.${d.format}`;
  const rendered =
    d.format === 'xlsx'
      ? await renderXlsx(
          d,
          `${kind === 'uitkomsten' ? 'Uitkomsten jeugdhulp' : 'Clientbestand jeugdhulp'} t/m ${date}`,
          columns,
          rows,
          noonUtc(date),
          opts.header,
        )
      : renderCsv(d, columns, rows, opts.header);
  let bytes = rendered.bytes;
  if (d.format === 'xlsx') {
    const { normaliseZip } = await import('./zip.js');
    bytes = await normaliseZip(bytes, noonUtc(date));
  }
  w.write(name, bytes, date, { type: kind, format: d.format, rows: rows.length });
  if (opts.countTotals !== false) bump(w.totals.rows, kind, rows.length - planted.length);
  for (const p of planted) {
    const i = rows.indexOf(p.row);
    w.fault({
      file: name,
      rule: p.rule,
      column: p.column,
      line: rendered.lines[i],
      record: i + 1,
      value: p.value,
      detail: p.detail,
    });
  }
  return { name, bytes, lines: rendered.lines };
}

async function writeGemeente(
  g: Gemeente,
  index: number,
  opts: GenerateOptions,
  manifest: ManifestWriter,
): Promise<void> {
  const w = new GemeenteWriter(g, opts, manifest);
  const ts = drawHistories(g.cbsCode, bsnSlice(g.cbsCode, gemeenten), opts, createRng(opts.seed, g.cbsCode));
  if (w.d.ijw !== 'geen') await writeIjw(w, ts, index);

  let faultsPlanted = false;
  let headerFaultPlanted = false;
  for (const h of halfjaren(opts)) {
    const date = addDays(h.eind, w.rng.int(10, 40));
    if (date > opts.until) continue;
    const kinds: ('uitkomsten' | 'clientbestand')[] =
      w.d.ijw === 'geen' ? ['clientbestand', 'uitkomsten'] : ['uitkomsten'];
    for (const kind of kinds) {
      const rows = kind === 'uitkomsten' ? uitkomstRows(w, ts, h, date) : clientRows(w, ts, h, date);
      if (rows.length === 0) continue;
      const plantHere = !faultsPlanted && h.begin >= `${opts.to - 1}-01-01`;
      const planted = plantHere ? plantRowFaults(w, rows, kind, index) : [];
      // A header misspelt: the file is rejected whole and delivered again, correct, four days later.
      if (kind === 'uitkomsten' && !headerFaultPlanted && index % 3 === 2 && planted.length === 0) {
        headerFaultPlanted = true;
        const columns = [...UITKOMST_COLUMNS, ...(w.d.opmerking ? ['opmerking'] : [])];
        const header = columns.map((c) =>
          c === 'toewijzingnummer'
            ? 'toewijzingsnumer'
            : c === 'opmerking'
              ? (w.d.opmerking ?? c)
              : (w.d.headers[c] ?? c),
        );
        const bad = await writeTabular(w, kind, date, rows, [], { header, countTotals: false });
        w.fault({
          file: bad.name,
          rule: 'kolom_ontbreekt',
          column: 'toewijzingnummer',
          line: 1,
          value: 'toewijzingsnumer',
          detail: 'required column toewijzingnummer missing (header misspelt)',
        });
        await writeTabular(w, kind, addDays(date, 4), rows, []);
        continue;
      }
      const drift = drifts[g.cbsCode];
      if (drift?.kind === kind && h.begin === `${opts.to - 1}-07-01` && planted.length === 0) {
        const file = await writeTabular(w, kind, date, rows, planted, {
          dialect: { ...w.d, ...drift.change },
        });
        w.manifest.departure({ gemeente: g.cbsCode, file: file.name, aspects: [...drift.aspects].sort() });
        continue;
      }
      await writeTabular(w, kind, date, rows, planted);
      if (plantHere && kind === kinds.at(-1)) faultsPlanted = true;
    }
  }
  plantFileFaults(w, index);
}

/** File-level faults: a file delivered twice, a truncated file, a file of an unknown type. */
function plantFileFaults(w: GemeenteWriter, index: number): void {
  const candidates = w.written.filter((f) => f.format !== 'xml');
  const src = candidates.length ? candidates[Math.floor(candidates.length / 2)]! : w.written[0];
  if (!src) return;
  const [stem, ext] = [
    src.name.slice(0, src.name.lastIndexOf('.')),
    src.name.slice(src.name.lastIndexOf('.') + 1),
  ];
  if (index % 3 === 0 || index % 3 === 1) {
    const name = `${stem}_kopie.${ext}`;
    w.write(name, src.bytes, addDays(src.date, 2), { type: src.type, format: src.format });
    w.fault({ file: name, rule: 'dubbel_bestand', value: src.name, detail: `same bytes as ${src.name}` });
  }
  if (index % 2 === 1) {
    const cut =
      src.format === 'csv' ? cutMidRow(src.bytes) : src.bytes.subarray(0, Math.floor(src.bytes.length * 0.6));
    const name = `${stem}_herzending.${ext}`;
    w.write(name, cut, addDays(src.date, 3), { type: src.type, format: src.format });
    w.fault({
      file: name,
      rule: 'bestand_afgekapt',
      value: src.name,
      detail: `first ${cut.length} of ${src.bytes.length} bytes of ${src.name}`,
    });
  }
  if (index % 4 === 0) {
    const name = 'leesmij.txt';
    w.write(name, Buffer.from(`Levering ${w.d.naam}: zie bijgevoegde bestanden.\n`, 'utf8'), src.date, {
      type: 'onbekend',
      format: 'txt',
    });
    w.fault({
      file: name,
      rule: 'bestandstype_onbekend',
      detail: 'not an iJw, uitkomsten or clientbestand file',
    });
  }
}

/** Cuts a CSV in the middle of a data row past its first half. */
function cutMidRow(bytes: Buffer): Buffer {
  const half = Math.floor(bytes.length / 2);
  for (let i = half; i < bytes.length - 2; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) return bytes.subarray(0, i + 7 + (i % 2));
  }
  return bytes.subarray(0, half);
}

/**
 * Generates the whole region into `opts.out` and writes the manifest. The folder must be empty or hold a
 * previous generated region (see ./out.ts), unless `opts.force`.
 */
export async function generateRegion(opts: GenerateOptions, log: Logger): Promise<Record<string, Totals>> {
  clearPreviousRegion(opts.out, opts.manifest, opts.force === true);
  mkdirSync(opts.out, { recursive: true });
  const manifest = new ManifestWriter(opts.manifest, {
    seed: opts.seed,
    scale: opts.scale,
    from: opts.from,
    to: opts.to,
    until: opts.until,
  });
  for (const [index, g] of gemeenten.entries()) {
    await writeGemeente(g, index, opts, manifest);
    const t = manifest.totals[g.cbsCode]!;
    log.info('gemeente generated', { gemeente: g.cbsCode, files: t.files, faults: t.faults });
  }
  const t = noonUtc(opts.until);
  for (const g of gemeenten) utimesSync(join(opts.out, g.cbsCode), t, t);
  utimesSync(opts.out, t, t);
  manifest.finish({
    bsn: {
      note: 'The test range 999900006–999999990 holds 9,091 valid BSNs; each gemeente uses its own slice and reuses it in a cycle when it has more clients.',
    },
  });
  utimesSync(opts.manifest, t, t);
  return manifest.totals;
}
