/**
 * The eleven municipalities of jeugdregio IJsselland (delivery.md §1), from reference/gemeenten.csv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceDir } from './paths.js';

export interface Gemeente {
  /** CBS code, e.g. `GM0193`: the inbox folder name and the key everywhere in the warehouse. */
  cbsCode: string;
  /** The iJw `LDT_Gemeente` code, e.g. `0193`. */
  ijwCode: string;
  naam: string;
}

export const REGION_CODE = 'IJsselland';

function readGemeenten(): Gemeente[] {
  const lines = readFileSync(join(referenceDir, 'gemeenten.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [cbsCode, ijwCode, naam] = line.split(',');
    if (!cbsCode || !ijwCode || !naam) throw new Error(`reference/gemeenten.csv: malformed line: ${line}`);
    return { cbsCode, ijwCode, naam };
  });
}

export const gemeenten: readonly Gemeente[] = readGemeenten();

const byCbs = new Map(gemeenten.map((g) => [g.cbsCode, g]));
const byIjw = new Map(gemeenten.map((g) => [g.ijwCode, g]));

export function gemeenteByCbsCode(code: string): Gemeente | undefined {
  return byCbs.get(code);
}

/**
 * Accepts `GM0193`, `gm0193`, `0193` or `193` and returns the municipality, or undefined when it is not
 * one of the region's eleven.
 */
export function findGemeente(value: string): Gemeente | undefined {
  const v = value.trim().toUpperCase();
  if (/^GM[0-9]{4}$/.test(v)) return byCbs.get(v);
  if (/^[0-9]{1,4}$/.test(v)) return byIjw.get(v.padStart(4, '0'));
  return undefined;
}
