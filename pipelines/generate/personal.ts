/**
 * Invented personal data for the demo region: names, streets, phone numbers and e-mail addresses of the
 * kind real iJw messages carry. None of it may ever reach the warehouse; `demoPersonalData` is exported
 * so a privacy test can scan the warehouse, logs and exports for every one of these strings.
 */
import type { Rng } from './random.js';

export const voornamenJongen = [
  'Daan',
  'Sem',
  'Luuk',
  'Milan',
  'Levi',
  'Finn',
  'Bram',
  'Thijs',
  'Jesse',
  'Ruben',
  'Teun',
  'Gijs',
  'Stijn',
  'Jurre',
  'Hidde',
  'Wessel',
  'Joep',
  'Siem',
  'Mees',
  'Floris',
] as const;

export const voornamenMeisje = [
  'Emma',
  'Julia',
  'Sanne',
  'Lotte',
  'Fenna',
  'Noor',
  'Evi',
  'Isa',
  'Roos',
  'Femke',
  'Lieke',
  'Anouk',
  'Ilse',
  'Jasmijn',
  'Maud',
  'Tessa',
  'Nienke',
  'Sterre',
  'Jente',
  'Marit',
] as const;

/**
 * Surnames with their voorvoegsel (empty when none). None is a word the reports themselves print (the CBS hulpvorm
 * "Wijk- of buurtteam" rules out "Wijk"), so a scan of the reports for these names finds only real leaks.
 */
export const achternamen: readonly (readonly [string, string])[] = [
  ['Brinkhuis', ''],
  ['Kroeze', ''],
  ['Velthuis', ''],
  ['Berg', 'van den'],
  ['Scholten', ''],
  ['Haar', 'ter'],
  ['Wolters', ''],
  ['Jong', 'de'],
  ['Nijenhuis', ''],
  ['Lubbers', ''],
  ['Dijk', 'van'],
  ['Mulder', ''],
  ['Veen', 'van der'],
  ['Hulst', 'van der'],
  ['Oosterveld', ''],
  ['Klein Koerkamp', ''],
  ['Bruggink', ''],
  ['Kamphuis', ''],
  ['Schuurman', ''],
  ['Vries', 'de'],
  ['Meulenbelt', ''],
  ['Wijngaarden', 'van'],
  ['Pasman', ''],
  ['Timmerhuis', ''],
  ['Boer', 'de'],
];

export const straatnamen = [
  'Esdoornlaan',
  'Hooilandweg',
  'Kastanjehof',
  'Molenkamp',
  'Zandbelterweg',
  'Weidebloem',
  'Vechtkade',
  'Sallandsestraat',
  'Populierenlaan',
  'Kerkdijk',
  'Schaapskooiweg',
  'Havezatestraat',
  'Berkenhof',
  'Dijkgraafweg',
  'Koekoeksbloem',
  'Lindenhorst',
  'Reestlaan',
  'Meidoornpad',
] as const;

export const commentaren = [
  'Gezin graag eerst telefonisch benaderen',
  'Moeder spreekt beperkt Nederlands, tolk gewenst',
  'Vader en moeder gescheiden, beide gezag',
  'Jeugdige zit op het speciaal onderwijs',
  'Urgent: eerder hulptraject voortijdig gestopt',
  'Huisarts heeft verwezen na signalen school',
] as const;

/** Every invented string a privacy test must never find in the warehouse, its logs or its exports. */
export const demoPersonalData: readonly string[] = [
  ...voornamenJongen,
  ...voornamenMeisje,
  ...achternamen.map(([naam]) => naam),
  ...straatnamen,
  ...commentaren,
];

/** Name, address and contact of one invented person. */
export interface Personalia {
  voornaam: string;
  voorvoegsel: string;
  achternaam: string;
  straat: string;
  huisnummer: number;
  telefoon: string;
  email: string;
}

/** Draws invented personalia; the phone number is a 06 number in a range reserved for fiction. */
export function drawPersonalia(rng: Rng, geslacht: '1' | '2'): Personalia {
  const voornaam = rng.pick(geslacht === '1' ? voornamenJongen : voornamenMeisje);
  const [achternaam, voorvoegsel] = rng.pick(achternamen);
  const slug = `${voornaam}.${voorvoegsel ? `${voorvoegsel.replaceAll(' ', '')}` : ''}${achternaam.replaceAll(' ', '')}`;
  return {
    voornaam,
    voorvoegsel: voorvoegsel ?? '',
    achternaam: achternaam ?? '',
    straat: rng.pick(straatnamen),
    huisnummer: rng.int(1, 180),
    telefoon: `0612${String(rng.int(0, 999999)).padStart(6, '0')}`,
    email: `${slug.toLowerCase()}${rng.int(1, 99)}@voorbeeld.nl`,
  };
}
