/**
 * Streaming reader for one iJw message (saxes: no DTD, no external or custom entities). It keeps only the
 * text of the fields a message spec names, per scope (the message, a JW323 Client, one product), and hands
 * each scope over as soon as it closes, so memory stays flat however many products a message holds. The
 * text of every other element (names, addresses, relations, contact data, Commentaar) is never kept.
 */
import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { IJW32_NS, ISTANDAARD_NS, type MessageSpec, messageSpecs, skippedMessages } from './messages.js';

/** A captured field: its text and the element path it came from. */
export interface Captured {
  text: string;
  path: string;
}

export interface Scope {
  /** Element path of the scope element, e.g. `/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]`. */
  path: string;
  /** 1-based index among its siblings. */
  index: number;
  fields: Map<string, Captured>;
  /** Relative paths of every element seen in the scope (names only, never text). */
  seen: Set<string>;
}

export interface ReaderEvents {
  /** The header and client (JW323: the Declaratie fields) are complete: the first product list opened. */
  messageReady(message: Scope): void;
  groupReady(group: Scope): void;
  product(product: Scope, group: Scope | undefined): void;
  /** Called between chunks: the place to write out rows collected so far. */
  drain(): Promise<void>;
}

/** Why a message cannot be read at all; the file or member is rejected whole with `reason`. */
export class Unreadable extends Error {
  constructor(
    readonly rule: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export type Recognised =
  | { kind: 'load'; spec: MessageSpec; namespace: string }
  | { kind: 'skip'; code: string; namespace: string };

/** Elements whose children repeat: their children get an index in the element path. */
const lists = new Set([
  'ToegewezenProducten',
  'StartProducten',
  'StopProducten',
  'AangevraagdeProducten',
  'Prestaties',
  'Clienten',
  'Contactgegevens',
  'Relaties',
]);

const MAX_DEPTH = 32;
const MAX_FIELD_CHARS = 1024;

/** Recognises the message from the root element's namespace; refuses other standards and versions. */
export function recognise(local: string, uri: string): Recognised {
  const ijw = IJW32_NS.exec(uri);
  if (ijw?.[1]) {
    const code = ijw[1];
    if (local !== 'Bericht') {
      throw new Unreadable('geen_ijw', `het hoofdelement heet ${local}; een iJw-bericht begint met Bericht`);
    }
    const spec = messageSpecs[code];
    if (spec) return { kind: 'load', spec, namespace: uri };
    if (skippedMessages.has(code)) return { kind: 'skip', code: code.toUpperCase(), namespace: uri };
    throw new Unreadable(
      'bericht_onbekend',
      `onbekend iJw 3.2-bericht ${code.toUpperCase()} (namespace ${uri})`,
    );
  }
  const other = ISTANDAARD_NS.exec(uri);
  if (other) {
    const [, standaard, versie] = other;
    const naam = standaard?.toLowerCase() === 'ijw' ? 'iJw' : (standaard ?? '');
    return refuse(
      'andere_standaard',
      `bericht van ${naam} ${versie?.replace('_', '.')}, niet van iJw 3.2: namespace ${uri}`,
    );
  }
  return refuse(
    'geen_ijw',
    uri
      ? `geen iJw 3.2-bericht: namespace ${uri}`
      : `geen iJw 3.2-bericht: element ${local} zonder namespace`,
  );
}

function refuse(rule: string, reason: string): never {
  throw new Unreadable(rule, reason);
}

/** Picks a decoder from the BOM or the XML declaration; iJw messages are UTF-8, older systems write Latin-1. */
function decoderFor(first: Buffer): { write(b: Buffer): string; end(): string | undefined } {
  if (first[0] === 0xfe && first[1] === 0xff) return iconv.getDecoder('utf-16be');
  if (first[0] === 0xff && first[1] === 0xfe) return iconv.getDecoder('utf-16le');
  const declared = /^(?:\uFEFF)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(
    first
      .subarray(0, 200)
      .toString('latin1')
      .replace(/^\xEF\xBB\xBF/, '\uFEFF'),
  )?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    if (!iconv.encodingExists(declared)) {
      throw new Unreadable('tekenset_onbekend', `onbekende tekenset ${declared} in de XML-declaratie`);
    }
    return iconv.getDecoder(declared);
  }
  const utf8 = new StringDecoder('utf8');
  return { write: (b) => utf8.write(b), end: () => utf8.end() };
}

interface Frame {
  name: string;
  path: string;
  /** Path relative to the current scope. */
  rel: string;
  scope: Scope;
  kind: 'message' | 'group' | 'product';
  children: Map<string, number>;
  capture: boolean;
}

/**
 * Reads one message from `chunks`. Returns what the root said it is; for a skipped message reading stops at
 * the root. Throws `Unreadable` for XML that is not well-formed, truncated, has a DOCTYPE, or is not iJw 3.2.
 */
export async function readMessage(
  chunks: AsyncIterable<Buffer>,
  keep: (spec: MessageSpec) => { message: Set<string>; group: Set<string>; product: Set<string> },
  events: ReaderEvents,
): Promise<{ recognised: Recognised; message: Scope }> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let recognised: Recognised | undefined;
  let keepSets: ReturnType<typeof keep> | undefined;
  let spec: MessageSpec | undefined;
  const message: Scope = { path: '/Bericht', index: 1, fields: new Map(), seen: new Set() };
  let messageReady = false;
  let group: Scope | undefined;
  let groupReady = false;
  const stack: Frame[] = [];
  let text = '';
  let stop = false;
  const contacts: { soort?: string; postcode?: string }[] = [];
  const fireMessageReady = () => {
    if (messageReady) return;
    messageReady = true;
    // The client's own postcode: of the first contact of Soort 01 (BRP), else of the first with one.
    const own = contacts.find((c) => c.soort === '01') ?? contacts.find((c) => c.postcode);
    if (own?.postcode) message.fields.set('postcode', { text: own.postcode, path: '' });
    events.messageReady(message);
  };

  parser.on('doctype', () => {
    throw new Unreadable(
      'doctype',
      'het bestand bevat een DOCTYPE; iJw-berichten mogen geen DTD of entiteiten bevatten',
    );
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stop) return;
    const parent = stack.at(-1);
    if (!parent) {
      recognised = recognise(tag.local, tag.uri);
      if (recognised.kind === 'skip') {
        stop = true;
        return;
      }
      spec = recognised.spec;
      keepSets = keep(spec);
      stack.push({
        name: tag.local,
        path: '/Bericht',
        rel: '',
        scope: message,
        kind: 'message',
        children: new Map(),
        capture: false,
      });
      return;
    }
    if (stack.length >= MAX_DEPTH)
      throw new Unreadable('te_diep', `XML is dieper genest dan ${MAX_DEPTH} niveaus`);
    const s = spec as MessageSpec;
    const sets = keepSets as NonNullable<typeof keepSets>;
    const index = (parent.children.get(tag.local) ?? 0) + 1;
    parent.children.set(tag.local, index);
    const path = `${parent.path}/${tag.local}${lists.has(parent.name) ? `[${index}]` : ''}`;
    let frame: Frame;
    if (tag.local === s.product && parent.name === s.productList) {
      fireMessageReady();
      if (group && !groupReady) {
        groupReady = true;
        events.groupReady(group);
      }
      const scope: Scope = { path, index, fields: new Map(), seen: new Set() };
      frame = { name: tag.local, path, rel: '', scope, kind: 'product', children: new Map(), capture: false };
    } else if (s.group && tag.local === s.group.element && parent.name === s.group.list) {
      fireMessageReady();
      group = { path, index, fields: new Map(), seen: new Set() };
      groupReady = false;
      frame = {
        name: tag.local,
        path,
        rel: '',
        scope: group,
        kind: 'group',
        children: new Map(),
        capture: false,
      };
    } else {
      const rel = parent.rel ? `${parent.rel}/${tag.local}` : tag.local;
      const set =
        parent.kind === 'message' ? sets.message : parent.kind === 'group' ? sets.group : sets.product;
      frame = {
        name: tag.local,
        path,
        rel,
        scope: parent.scope,
        kind: parent.kind,
        children: new Map(),
        capture: set.has(rel),
      };
      parent.scope.seen.add(rel);
    }
    stack.push(frame);
    text = '';
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top?.capture && text.length < MAX_FIELD_CHARS) text += t.slice(0, MAX_FIELD_CHARS - text.length + 1);
  });
  parser.on('cdata', (t) => {
    const top = stack.at(-1);
    if (top?.capture && text.length < MAX_FIELD_CHARS) text += t.slice(0, MAX_FIELD_CHARS - text.length + 1);
  });
  parser.on('closetag', () => {
    if (stop) return;
    const frame = stack.pop();
    if (!frame) return;
    if (frame.capture) {
      if (!frame.scope.fields.has(frame.rel))
        frame.scope.fields.set(frame.rel, { text: text.trim(), path: frame.path });
      text = '';
    }
    if (frame.kind === 'product' && frame.rel === '') {
      events.product(frame.scope, group);
    } else if (frame.kind === 'group' && frame.rel === '') {
      if (!groupReady) events.groupReady(frame.scope);
      group = undefined;
    } else if (frame.kind === 'message' && frame.rel === 'Client/Contactgegevens/Contact') {
      // Only the Soort and the postcode of each of the client's own contacts were kept; see clientPostcode.
      const f = message.fields;
      const soort = f.get('Client/Contactgegevens/Contact/Soort')?.text;
      const postcode = f.get('Client/Contactgegevens/Contact/Adres/Postcode')?.text;
      contacts.push({ ...(soort ? { soort } : {}), ...(postcode ? { postcode } : {}) });
      f.delete('Client/Contactgegevens/Contact/Soort');
      f.delete('Client/Contactgegevens/Contact/Adres/Postcode');
    }
  });

  let decoder: ReturnType<typeof decoderFor> | undefined;
  try {
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      decoder ??= decoderFor(chunk);
      parser.write(decoder.write(chunk));
      if (stop) break;
      await events.drain();
    }
    if (!decoder) throw new Unreadable('xml_leeg', 'het bestand is leeg');
    if (!stop) {
      const rest = decoder?.end();
      if (rest) parser.write(rest);
      parser.close();
    }
  } catch (error) {
    if (error instanceof Unreadable) throw error;
    const msg = (error as Error).message;
    throw new Unreadable('xml_ongeldig', `XML is niet goed gevormd of afgebroken: ${msg}`);
  }
  if (!recognised) throw new Unreadable('xml_leeg', 'het bestand bevat geen XML-element');
  if (recognised.kind === 'load') fireMessageReady();
  return { recognised, message };
}
