/**
 * Validation of one message against the real iJw 3.2 XSDs (reference/ijw-3.2/xsd, libxml2 compiled to
 * WebAssembly). Each error comes back with the element path in the same form the streaming reader uses
 * (`/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum`) and a plain Dutch reason.
 * The document is parsed without DTD loading, entity substitution or network access.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ParseOption,
  XmlDocument,
  XmlElement,
  XmlParseError,
  type XmlTreeNode,
  XmlValidateError,
  XsdValidator,
} from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { referenceDir } from '../../lib/paths.js';

export interface XsdError {
  path: string;
  /** The offending value as libxml2 quotes it, when it does. */
  value: string | null;
  rule: string;
  reason: string;
  /** Local names of the elements libxml2 expected instead, for structure errors. */
  expected: string[];
}

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

const validators = new Map<string, XsdValidator>();
let providersRegistered = false;

function validatorFor(code: string): XsdValidator {
  let v = validators.get(code);
  if (!v) {
    if (!providersRegistered) {
      xmlRegisterFsInputProviders();
      providersRegistered = true;
    }
    const file = join(referenceDir, 'ijw-3.2', 'xsd', `${code.toUpperCase()}.xsd`);
    const doc = XmlDocument.fromBuffer(readFileSync(file), { url: file });
    v = XsdValidator.fromDoc(doc);
    doc.dispose();
    validators.set(code, v);
  }
  return v;
}

const safeParse = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

function elementPath(node: XmlElement): string {
  const parts: string[] = [];
  let el: XmlElement | null = node;
  while (el) {
    const parent: XmlElement | null = el.parent;
    let name = el.name;
    if (parent && lists.has(parent.name)) {
      let index = 1;
      for (let sib: XmlTreeNode | null = el.prev; sib; sib = sib.prev) {
        if (sib instanceof XmlElement && sib.name === el.name) index++;
      }
      name += `[${index}]`;
    }
    parts.unshift(name);
    el = parent;
  }
  return `/${parts.join('/')}`;
}

const localName = (qname: string) => qname.replace(/\{[^}]*\}/g, '');

/** Turns one libxml2 schema message into a rule and a Dutch reason; `path` may be deepened to the missing child. */
export function translate(message: string, path: string): XsdError {
  const e = translateMessage(message, path);
  const expected = /Expected is (?:one of )?\( ([^)]*) \)/.exec(message)?.[1];
  return { ...e, expected: expected ? expected.split(', ').map(localName) : [] };
}

function translateMessage(message: string, path: string): Omit<XsdError, 'expected'> {
  const m = message.trim();
  const value = /(?:[Tt]he value|^Element '[^']*':) '([^']*)'/.exec(m)?.[1] ?? null;
  const expected = /Expected is (?:one of )?\( ([^)]*) \)/.exec(m)?.[1];
  const expectedNames = expected ? expected.split(', ').map(localName) : [];
  if (m.includes('Missing child element')) {
    const first = expectedNames[0];
    return {
      path: first && expectedNames.length === 1 ? `${path}/${first}` : path,
      value: null,
      rule: 'xsd_verplicht',
      reason: `verplicht element ontbreekt: ${expectedNames.join(' of ')}`,
    };
  }
  if (m.includes('This element is not expected')) {
    return {
      path,
      value: null,
      rule: 'xsd_structuur',
      reason: expectedNames.length
        ? `element staat hier niet volgens het XSD; verwacht: ${expectedNames.join(' of ')} (ontbreekt een verplicht element of staat de volgorde verkeerd?)`
        : 'element staat hier niet volgens het XSD (te veel of onbekend element)',
    };
  }
  if (m.includes("[facet 'enumeration']")) {
    return { path, value, rule: 'xsd_code', reason: 'code komt niet voor in de codelijst van het XSD' };
  }
  if (m.includes("[facet 'pattern']")) {
    const pattern = /pattern '([^']*)'/.exec(m)?.[1];
    return {
      path,
      value,
      rule: 'xsd_patroon',
      reason: `waarde heeft niet de vorm die het XSD eist (${pattern})`,
    };
  }
  if (m.includes("[facet 'maxLength']") || m.includes("[facet 'minLength']")) {
    const max = /allowed (?:maximum|minimum) length of '([0-9]+)'/.exec(m)?.[1];
    return {
      path,
      value,
      rule: 'xsd_lengte',
      reason: m.includes('maxLength')
        ? `waarde is te lang (maximaal ${max} tekens)`
        : 'waarde is te kort of leeg',
    };
  }
  if (m.includes("[facet 'maxInclusive']") || m.includes("[facet 'minInclusive']")) {
    return { path, value, rule: 'xsd_bereik', reason: 'getal valt buiten het bereik dat het XSD toestaat' };
  }
  if (m.includes('is not a valid value of the')) {
    const type = /atomic type '([^']*)'/.exec(m)?.[1];
    const typeName = type ? localName(type) : '';
    const what =
      typeName.includes('Datum') || typeName === 'xs:date'
        ? 'datum'
        : typeName.includes('Tijd')
          ? 'tijd'
          : 'waarde';
    return {
      path,
      value,
      rule: 'xsd_type',
      reason: `ongeldige ${what} volgens het XSD${typeName ? ` (${typeName})` : ''}`,
    };
  }
  if (m.includes('Character content other than whitespace')) {
    return {
      path,
      value: null,
      rule: 'xsd_structuur',
      reason: 'tekst staat op een plek waar alleen elementen mogen',
    };
  }
  if (m.includes('No matching global declaration')) {
    return {
      path,
      value: null,
      rule: 'xsd_structuur',
      reason: 'het hoofdelement past niet bij het XSD van dit bericht',
    };
  }
  return { path, value: null, rule: 'xsd', reason: 'voldoet niet aan het XSD van iJw 3.2' };
}

/** Validates `bytes` against the XSD of message `code` (e.g. `jw301`); an empty list when valid. */
export function validateXsd(code: string, bytes: Uint8Array): XsdError[] {
  const validator = validatorFor(code);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes, { option: safeParse });
  } catch (error) {
    // The streaming reader accepted bytes libxml2 cannot parse (e.g. invalid UTF-8): the message is
    // refused, the run goes on.
    if (!(error instanceof XmlParseError)) throw error;
    return [
      {
        path: '/Bericht',
        value: null,
        rule: 'xml_codering',
        reason: `het bericht is geen leesbare XML: ${error.message.trim()}`,
        expected: [],
      },
    ];
  }
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error;
    return error.details.map((d) => {
      let node: unknown = null;
      try {
        node = d.xpath ? doc.get(d.xpath, doc.root.namespaces) : null;
      } catch {
        // A path libxml2 cannot evaluate again: the error is placed on the message.
      }
      const path = node instanceof XmlElement ? elementPath(node) : '/Bericht';
      return translate(d.message, path);
    });
  } finally {
    doc.dispose();
  }
}
