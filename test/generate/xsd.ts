/** XSD validation of generated messages against reference/ijw-3.2/xsd with libxml2 (WebAssembly). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { referenceDir } from '../../pipelines/lib/paths.js';

xmlRegisterFsInputProviders();
const validators = new Map<string, XsdValidator>();

function validatorFor(code: string): XsdValidator {
  let v = validators.get(code);
  if (!v) {
    const file = join(referenceDir, 'ijw-3.2', 'xsd', `${code}.xsd`);
    const xsd = XmlDocument.fromBuffer(readFileSync(file), { url: file });
    v = XsdValidator.fromDoc(xsd);
    validators.set(code, v);
  }
  return v;
}

/** Validates one message; returns the validator's messages, empty when valid. */
export function validateMessage(code: string, xml: string): string[] {
  const doc = XmlDocument.fromString(xml);
  try {
    validatorFor(code).validate(doc);
    return [];
  } catch (error) {
    const e = error as { details?: { message: string; line?: number }[]; message: string };
    return e.details?.map((d) => `${d.line}: ${d.message.trim()}`) ?? [e.message];
  } finally {
    doc.dispose();
  }
}
