/**
 * iJw 3.2 messages (JW301, JW305, JW307, JW315, JW323) as XML text, element order and codes as in the
 * XSDs of reference/ijw-3.2/xsd. Each builder returns one whole message; faults are planted by the
 * caller through `override`, which replaces the text of one element path.
 */
import type { Client, Melding, Toewijzing } from './model.js';
import type { Personalia } from './personal.js';

export const IJW_NS = 'http://www.istandaarden.nl/ijw/3_2';
export const BASIS_NS = `${IJW_NS}/basisschema/schema`;

/** The message codes this generator writes, with their BerichtCode (COD002). */
export const berichtCodes = { JW301: '436', JW305: '438', JW307: '440', JW315: '446', JW323: '490' } as const;
export type MessageType = keyof typeof berichtCodes;

/** Replaces the value at an element path (e.g. `/Bericht/Client/Bsn`) with a planted wrong value. */
export type Override = { path: string; value: string } | undefined;

export interface Header {
  /** JW301: the gemeente code; the others: the provider AGB. */
  afzender: string;
  ontvanger: string;
  identificatie: string;
  dagtekening: string;
}

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * A tiny tree builder that knows each element's path, so overrides can target one element. Elements the
 * message schema declares are in the message namespace (default, no prefix); the children of a basisschema
 * type (CDT_…) are in the basisschema namespace (`ijw:`), as the XSDs say with elementFormDefault qualified.
 */
class Doc {
  private readonly parts: string[] = [];
  private readonly stack: { name: string; basis: boolean; tag: string }[] = [];
  constructor(private readonly override: Override) {}
  private tag(name: string): string {
    return this.stack.at(-1)?.basis ? `ijw:${name}` : name;
  }
  /** Opens an element; `cdt` when its type comes from the basisschema. */
  open(name: string, cdt = false): this {
    const tag = this.tag(name);
    this.parts.push(`${'  '.repeat(this.stack.length)}<${tag}>`);
    this.stack.push({ name, tag, basis: cdt || (this.stack.at(-1)?.basis ?? false) });
    return this;
  }
  cdt(name: string): this {
    return this.open(name, true);
  }
  close(): this {
    const top = this.stack.pop();
    this.parts.push(`${'  '.repeat(this.stack.length)}</${top?.tag}>`);
    return this;
  }
  leaf(name: string, value: string | number | undefined): this {
    if (value === undefined) return this;
    const path = `/${[...this.stack.map((e) => e.name), name].join('/')}`;
    const v = this.override && this.override.path === path ? this.override.value : String(value);
    const tag = this.tag(name);
    this.parts.push(`${'  '.repeat(this.stack.length)}<${tag}>${esc(v)}</${tag}>`);
    return this;
  }
  text(namespace: string): string {
    const body = this.parts.slice(1, -1);
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Bericht xmlns="${namespace}" xmlns:ijw="${BASIS_NS}">\n${body.join('\n')}\n</Bericht>\n`;
  }
}

function namespaceOf(code: MessageType, base = IJW_NS): string {
  return `${base}/${code.toLowerCase()}/schema`;
}

function header(d: Doc, code: MessageType, h: Header): void {
  d.open('Header')
    .leaf('BerichtCode', berichtCodes[code])
    .leaf('BerichtVersie', '3')
    .leaf('BerichtSubversie', '2')
    .leaf('Afzender', h.afzender)
    .leaf('Ontvanger', h.ontvanger)
    .cdt('BerichtIdentificatie')
    .leaf('Identificatie', h.identificatie)
    .leaf('Dagtekening', h.dagtekening)
    .close()
    .cdt('XsdVersie')
    .leaf('BasisschemaXsdVersie', '1.0.0')
    .leaf('BerichtXsdVersie', '1.0.0')
    .close()
    .close();
}

function achternaam(d: Doc, p: Personalia): void {
  d.open('Geslachtsnaam')
    .leaf('Achternaam', p.achternaam)
    .leaf('Voorvoegsel', p.voorvoegsel || undefined)
    .close();
}

function verkorteNaam(d: Doc, p: Personalia): void {
  d.cdt('Naam');
  achternaam(d, p);
  d.leaf('Voorletters', p.voornaam.slice(0, 1)).close();
}

function clientKop(d: Doc, c: Client): void {
  d.leaf('Bsn', c.bsn)
    .cdt('Geboortedatum')
    .leaf('Datum', c.geboortedatum)
    .close()
    .leaf('Geslacht', c.geslacht);
}

function contact(d: Doc, c: Client, p: Personalia, plaats: string): void {
  d.open('Contact')
    .leaf('Soort', '01')
    .cdt('Adres')
    .open('Huis')
    .leaf('Huisnummer', p.huisnummer)
    .close()
    .leaf('Postcode', c.postcode)
    .leaf('Straatnaam', p.straat)
    .leaf('Plaatsnaam', plaats)
    .leaf('LandCode', 'NL')
    .close()
    .cdt('Telefoon')
    .open('Telefoon01')
    .leaf('Telefoonnummer', p.telefoon)
    .leaf('Landnummer', '0031')
    .close()
    .close()
    .leaf('Emailadres', p.email)
    .close();
}

/** JW301 Toewijzing: one version of one toewijzing, with the client's personal data. */
export function jw301(
  h: Header,
  t: Toewijzing,
  versie: number,
  opts: { commentaar?: string; plaats: string; override?: Override; namespace?: string },
): string {
  const v = t.versies[versie]!;
  const d = new Doc(opts.override);
  d.open('Bericht');
  header(d, 'JW301', h);
  d.open('Client');
  clientKop(d, t.client);
  const p = t.client.personalia;
  d.cdt('Naam');
  achternaam(d, p);
  d.leaf('Voornamen', p.voornaam)
    .leaf('Voorletters', p.voornaam.slice(0, 1))
    .leaf('NaamGebruik', '1')
    .close();
  d.leaf('Commentaar', opts.commentaar);
  d.open('Relaties').open('Relatie').leaf('Nummer', `R${t.nummer}`).leaf('Volgorde', 1).leaf('Soort', '10');
  d.cdt('Naam');
  achternaam(d, t.client.ouder);
  d.leaf('Voornamen', t.client.ouder.voornaam).leaf('NaamGebruik', '1').close();
  contact(d, t.client, t.client.ouder, opts.plaats);
  d.close().close();
  d.open('Contactgegevens');
  contact(d, t.client, p, opts.plaats);
  d.close();
  d.open('ToegewezenProducten').open('ToegewezenProduct');
  d.leaf('ToewijzingNummer', t.nummer).leaf('ReferentieAanbieder', t.verzoek?.referentie);
  d.cdt('Product').leaf('Categorie', t.categorie).leaf('Code', t.productcode).close();
  d.leaf('Toewijzingsdatum', v.toewijzingsdatum)
    .leaf('Toewijzingstijd', v.toewijzingstijd)
    .leaf('Ingangsdatum', t.ingangsdatum)
    .leaf('Einddatum', v.einddatum)
    .leaf('RedenWijziging', v.redenWijziging);
  d.cdt('Omvang')
    .leaf('Volume', t.volume)
    .leaf('Eenheid', t.eenheid)
    .leaf('Frequentie', t.frequentie)
    .close();
  d.leaf('Budget', t.budget);
  d.close().close().close().close();
  return d.text(opts.namespace ?? namespaceOf('JW301'));
}

/** JW305 Start zorg or JW307 Stop zorg: one report (Melding) on one toewijzing. */
export function jw305or307(
  code: 'JW305' | 'JW307',
  h: Header,
  t: Toewijzing,
  m: Melding,
  override?: Override,
  namespace?: string,
): string {
  const d = new Doc(override);
  d.open('Bericht');
  header(d, code, h);
  d.open('Client');
  clientKop(d, t.client);
  verkorteNaam(d, t.client.personalia);
  d.open(code === 'JW305' ? 'StartProducten' : 'StopProducten').open(
    code === 'JW305' ? 'StartProduct' : 'StopProduct',
  );
  d.leaf('ToewijzingNummer', t.nummer);
  d.cdt('Product').leaf('Categorie', t.categorie).leaf('Code', t.productcode).close();
  d.leaf('ToewijzingIngangsdatum', t.ingangsdatum).leaf('Begindatum', m.begindatum);
  if (code === 'JW307') d.leaf('RedenBeeindiging', m.reden).leaf('Einddatum', m.einddatum);
  d.leaf('StatusAanlevering', m.status);
  d.close().close().close().close();
  return d.text(namespace ?? namespaceOf(code));
}

/** JW315 Verzoek om toewijzing from the provider, before the toewijzing. */
export function jw315(h: Header, t: Toewijzing, commentaar: string | undefined): string {
  const d = new Doc(undefined);
  d.open('Bericht');
  header(d, 'JW315', h);
  d.open('Client');
  clientKop(d, t.client);
  verkorteNaam(d, t.client.personalia);
  d.leaf('GezagsdragerBekend', '1').leaf('Commentaar', commentaar);
  d.open('AangevraagdeProducten').open('AangevraagdProduct');
  d.leaf('ReferentieAanbieder', t.verzoek?.referentie);
  d.cdt('Product').leaf('Categorie', t.categorie).leaf('Code', t.productcode).close();
  d.leaf('ToewijzingIngangsdatum', t.ingangsdatum);
  d.cdt('Omvang')
    .leaf('Volume', t.volume)
    .leaf('Eenheid', t.eenheid)
    .leaf('Frequentie', t.frequentie)
    .close();
  d.cdt('Verwijzer').leaf('Type', t.verwijzer).close();
  d.close().close().close().close();
  return d.text(namespaceOf('JW315'));
}

/** One Prestatie of a JW323: delivered volume in a period, debet or credit, amounts in eurocent. */
export interface Prestatie {
  referentie: string;
  vorigeReferentie?: string;
  toewijzing: Toewijzing;
  begin: string;
  eind: string;
  volume: number;
  bedrag: number;
  dc: 'D' | 'C';
}

/** JW323 Declaratie of one provider to one gemeente for one month. */
export function jw323(
  h: Header,
  nummer: string,
  periode: { begin: string; eind: string },
  prestaties: Prestatie[],
): string {
  const d = new Doc(undefined);
  d.open('Bericht');
  header(d, 'JW323', h);
  const saldo = prestaties.reduce((s, p) => s + (p.dc === 'D' ? p.bedrag : -p.bedrag), 0);
  d.open('Declaratie').leaf('DeclaratieNummer', nummer);
  d.cdt('DeclaratiePeriode').leaf('Begindatum', periode.begin).leaf('Einddatum', periode.eind).close();
  d.leaf('DeclaratieDagtekening', h.dagtekening);
  d.cdt('TotaalIngediendBedrag')
    .leaf('TotaalBedrag', Math.abs(saldo))
    .leaf('DebetCredit', saldo < 0 ? 'C' : 'D')
    .close();
  d.open('Clienten');
  const perClient = new Map<string, Prestatie[]>();
  for (const p of prestaties) {
    const list = perClient.get(p.toewijzing.client.bsn) ?? [];
    list.push(p);
    perClient.set(p.toewijzing.client.bsn, list);
  }
  for (const [bsn, list] of perClient) {
    d.open('Client').leaf('Bsn', bsn).open('Prestaties');
    for (const p of list) {
      d.open('Prestatie');
      d.cdt('ProductReferentie')
        .leaf('ReferentieNummer', p.referentie)
        .leaf('VorigReferentieNummer', p.vorigeReferentie)
        .close();
      d.leaf('ToewijzingNummer', p.toewijzing.nummer)
        .leaf('ProductCategorie', p.toewijzing.categorie)
        .leaf('ProductCode', p.toewijzing.productcode);
      d.cdt('ProductPeriode').leaf('Begindatum', p.begin).leaf('Einddatum', p.eind).close();
      d.leaf('GeleverdVolume', p.volume)
        .leaf('Eenheid', p.toewijzing.eenheid)
        .leaf('ProductTarief', p.toewijzing.tarief);
      d.cdt('IngediendBedrag').leaf('Bedrag', p.bedrag).leaf('DebetCredit', p.dc).close();
      d.close();
    }
    d.close().close();
  }
  d.close().close().close();
  return d.text(namespaceOf('JW323'));
}

/** The namespace of a message of another standard or version, for planted refusals. */
export function foreignNamespace(kind: 'iwmo' | 'ijw31', code: MessageType): string {
  return kind === 'iwmo'
    ? `http://www.istandaarden.nl/iwmo/3_2/wmo${code.slice(2)}/schema`
    : `http://www.istandaarden.nl/ijw/3_1/${code.toLowerCase()}/schema`;
}
