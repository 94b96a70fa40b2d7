/**
 * The care the demo region is made of: which products are assigned how often, by which providers, for
 * how long, and how care ends. These are the "true" parameters the histories are drawn from; tests and
 * later analyses compare the monitor's estimates with them (e.g. the stay durations).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceDir } from '../lib/paths.js';

/** What kind of care a toewijzing is, for the mix and the durations. */
export type Zorgsoort =
  | 'wijkteam'
  | 'ambulant'
  | 'netwerk'
  | 'daghulp'
  | 'pleegzorg'
  | 'gezinsgericht'
  | 'gesloten'
  | 'residentieel'
  | 'jeugdreclassering'
  | 'jeugdbescherming'
  | 'vervoer';

/** The CBS hulpvorm of each kind (empty for care that is not jeugdhulp). */
export const hulpvormVan: Record<Zorgsoort, string> = {
  wijkteam: '01',
  ambulant: '02',
  daghulp: '03',
  netwerk: '04',
  pleegzorg: '11',
  gezinsgericht: '12',
  gesloten: '13',
  residentieel: '14',
  jeugdreclassering: '',
  jeugdbescherming: '',
  vervoer: '',
};

export const metVerblijf = (soort: Zorgsoort): boolean =>
  ['11', '12', '13', '14'].includes(hulpvormVan[soort]);

/**
 * Share of new toewijzingen per kind. Stays (pleegzorg, gezinsgericht, gesloten, residentieel) are about
 * 6% of starts; justitieel (categories 47/48) and vervoer (42) are not jeugdhulp and come on top.
 */
export const startMix: Record<Zorgsoort, number> = {
  wijkteam: 10,
  ambulant: 58,
  netwerk: 8,
  daghulp: 5,
  pleegzorg: 2.2,
  gezinsgericht: 0.8,
  gesloten: 0.35,
  residentieel: 2.0,
  jeugdreclassering: 2.5,
  jeugdbescherming: 3.2,
  vervoer: 2,
};

/** Log-normal duration of care in days: the median and the sigma of its logarithm. */
export interface DurationParams {
  medianDays: number;
  sigma: number;
}

/**
 * The true duration of care per kind, from the first day of care to the last (pauses excluded). For the
 * stays (hulpvorm 11–14) this is the truth a Kaplan–Meier estimate on the warehouse should recover: the
 * mean of a log-normal is median·exp(sigma²/2), so the naive mean of *completed* stays in a short window
 * is biased low against it (long stays are still open and censored).
 */
export const trueDuration: Record<Zorgsoort, DurationParams> = {
  wijkteam: { medianDays: 70, sigma: 0.7 },
  ambulant: { medianDays: 150, sigma: 0.8 },
  netwerk: { medianDays: 120, sigma: 0.8 },
  daghulp: { medianDays: 200, sigma: 0.7 },
  pleegzorg: { medianDays: 600, sigma: 1.0 },
  gezinsgericht: { medianDays: 420, sigma: 0.9 },
  gesloten: { medianDays: 150, sigma: 0.6 },
  residentieel: { medianDays: 300, sigma: 0.9 },
  jeugdreclassering: { medianDays: 300, sigma: 0.5 },
  jeugdbescherming: { medianDays: 450, sigma: 0.7 },
  vervoer: { medianDays: 180, sigma: 0.8 },
};

/** The true stay-duration distribution per hulpvorm met verblijf ('11'–'14'). */
export const trueStayDuration: Record<'11' | '12' | '13' | '14', DurationParams & { mean: number }> = {
  '11': withMean(trueDuration.pleegzorg),
  '12': withMean(trueDuration.gezinsgericht),
  '13': withMean(trueDuration.gesloten),
  '14': withMean(trueDuration.residentieel),
};

function withMean(p: DurationParams): DurationParams & { mean: number } {
  return { ...p, mean: p.medianDays * Math.exp((p.sigma * p.sigma) / 2) };
}

/** How care ends (JZ588), excluding the pause 20: mostly according to plan. */
export const redenMix: Record<string, number> = {
  '31': 63,
  '32': 6,
  '33': 4,
  '34': 9,
  '35': 3,
  '38': 6,
  '39': 5,
  '36': 1.5,
  '37': 1.5,
  '02': 0.2,
};

/** Verwijzer (COD327) of a toewijzing. */
export const verwijzerMix: Record<string, number> = {
  '01': 45,
  '02': 30,
  '03': 5,
  '04': 8,
  '05': 7,
  '06': 3,
  '08': 2,
};

export interface Product {
  code: string;
  categorie: string;
  hulpvorm: string;
}

interface RawProduct {
  productcode: string;
  productcategorie_code: string;
  dimensie_hulpvorm_code: string;
}

function loadProducts(): Product[] {
  const json = JSON.parse(readFileSync(join(referenceDir, 'productcodes-jeugdwet-jz21.json'), 'utf8')) as {
    products: RawProduct[];
  };
  return json.products.map((p) => ({
    code: p.productcode,
    categorie: p.productcategorie_code,
    hulpvorm: p.dimensie_hulpvorm_code,
  }));
}

const products = loadProducts();

function productsWhere(categories: string[], hulpvorm: string | null, codePrefix?: string): Product[] {
  const list = products.filter(
    (p) =>
      categories.includes(p.categorie) &&
      (hulpvorm === null || p.hulpvorm === hulpvorm) &&
      (codePrefix === undefined || p.code.startsWith(codePrefix)),
  );
  if (list.length === 0)
    throw new Error(`reference/productcodes-jeugdwet-jz21.json: no product for ${categories}`);
  return list.slice(0, 12);
}

/** The products each kind of care is assigned with, from the standard product code list. */
export const productsVan: Record<Zorgsoort, Product[]> = {
  wijkteam: productsWhere(['45'], '01'),
  ambulant: productsWhere(['45'], '02'),
  netwerk: productsWhere(['45'], '04'),
  daghulp: productsWhere(['41'], '03'),
  pleegzorg: [...productsWhere(['43'], '11'), ...productsWhere(['44'], '11').slice(0, 2)],
  gezinsgericht: [...productsWhere(['43'], '12'), ...productsWhere(['46'], '12')],
  gesloten: productsWhere(['43'], '13', '43A'),
  residentieel: [...productsWhere(['43'], '14'), ...productsWhere(['46'], '14').slice(0, 2)],
  jeugdreclassering: productsWhere(['47'], null),
  jeugdbescherming: productsWhere(['48'], null),
  vervoer: productsWhere(['42'], null),
};

/** A provider (aanbieder) with its AGB code and the kinds of care it delivers. */
export interface Aanbieder {
  agb: string;
  naam: string;
  soorten: Zorgsoort[];
}

/** Invented providers; AGB codes are 8 digits in no real register. */
export const aanbieders: readonly Aanbieder[] = [
  { agb: '98000101', naam: 'Sociaal Wijkteam IJsselland', soorten: ['wijkteam'] },
  { agb: '98000102', naam: 'Jeugdteam Vechtdal', soorten: ['wijkteam', 'netwerk'] },
  { agb: '98000203', naam: 'Ambulant Plus', soorten: ['ambulant', 'netwerk'] },
  { agb: '98000204', naam: 'Kinderpraktijk de Linde', soorten: ['ambulant'] },
  { agb: '98000205', naam: 'GGZ Jeugd Salland', soorten: ['ambulant', 'daghulp'] },
  { agb: '98000206', naam: 'Orthopedagogen Zwolle', soorten: ['ambulant'] },
  { agb: '98000207', naam: 'Gezinscoaching Oost', soorten: ['ambulant', 'netwerk'] },
  { agb: '98000308', naam: 'Dagcentrum de Boog', soorten: ['daghulp'] },
  { agb: '98000409', naam: 'Pleegzorg Overijssel', soorten: ['pleegzorg'] },
  { agb: '98000410', naam: 'Gezinshuizen Noord-Oost', soorten: ['gezinsgericht', 'pleegzorg'] },
  { agb: '98000511', naam: 'Jeugdzorgplus Rentray', soorten: ['gesloten'] },
  { agb: '98000512', naam: 'Residentiële Zorg IJsseldelta', soorten: ['residentieel', 'daghulp'] },
  { agb: '98000513', naam: 'Leefgroepen Salland', soorten: ['residentieel', 'gezinsgericht'] },
  {
    agb: '98000614',
    naam: 'Jeugdbescherming Overijssel',
    soorten: ['jeugdbescherming', 'jeugdreclassering'],
  },
  { agb: '98000615', naam: 'Leger des Heils JB&JR', soorten: ['jeugdreclassering', 'jeugdbescherming'] },
  { agb: '98000716', naam: 'Taxi Vecht en IJssel', soorten: ['vervoer'] },
];

export const aanbiedersVan: Record<Zorgsoort, Aanbieder[]> = Object.fromEntries(
  (Object.keys(startMix) as Zorgsoort[]).map((s) => [s, aanbieders.filter((a) => a.soorten.includes(s))]),
) as Record<Zorgsoort, Aanbieder[]>;

/** Omvang (Volume, WJ756 Eenheid, WMO757 Frequentie) and tarief per unit in eurocent. */
export function omvangVan(soort: Zorgsoort): { eenheid: string; frequentie: string; tarief: number } {
  if (metVerblijf(soort))
    return { eenheid: '14', frequentie: '1', tarief: soort === 'pleegzorg' ? 4200 : 24500 };
  if (soort === 'vervoer') return { eenheid: '82', frequentie: '2', tarief: 2850 };
  if (soort === 'jeugdbescherming' || soort === 'jeugdreclassering')
    return { eenheid: '14', frequentie: '1', tarief: 1650 };
  if (soort === 'daghulp') return { eenheid: '16', frequentie: '2', tarief: 6400 };
  return { eenheid: '04', frequentie: '2', tarief: soort === 'wijkteam' ? 8100 : 10450 };
}
