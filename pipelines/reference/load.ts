/**
 * Loads the project's reference data (reference/, see reference/SOURCES.md) into the warehouse as `ref.*`
 * tables, each table and column documented with COMMENT ON. Replaces what was there, so a changed
 * reference file takes effect on the next run.
 */
import { join } from 'node:path';
import { literal, type Warehouse } from '../lib/db.js';
import { referenceDir } from '../lib/paths.js';

/** The codelists loaded into ref.codelijsten, with their source file. */
export const CODELISTS = [
  'JZ020',
  'JZ588',
  'JZ002',
  'WJ756',
  'WMO757',
  'COD327',
  'COD046',
  'COD467',
] as const;
export type Codelist = (typeof CODELISTS)[number];

interface TableDoc {
  table: string;
  comment: string;
  columns: Record<string, string>;
}

const docs: TableDoc[] = [
  {
    table: 'ref.gemeenten',
    comment: 'De elf gemeenten van jeugdregio IJsselland (delivery.md §1; CBS gemeentelijke indeling 2026).',
    columns: {
      cbs_code: 'CBS-gemeentecode, bv. GM0193; de sleutel in het hele warehouse',
      ijw_code: 'iJw LDT_Gemeente-code, bv. 0193',
      naam: 'Naam van de gemeente',
    },
  },
  {
    table: 'ref.codelijsten',
    comment:
      'iJw 3.2 codelijsten (iStandaarden, Zorginstituut Nederland): JZ020, JZ588, JZ002, WJ756, WMO757, COD327, COD046, COD467.',
    columns: {
      codelijst: 'Id van de codelijst, bv. JZ588',
      code: 'De code zoals in het iJw-bericht',
      omschrijving: 'Omschrijving volgens de codelijst',
    },
  },
  {
    table: 'ref.producten',
    comment:
      'Standaard productcodelijst Jeugdwet (iStandaarden JZ21) met per product de CBS-hulpvorm (dimensie_hulpvorm_code).',
    columns: {
      productcode: 'Productcode, 5 tekens, bv. 45A07',
      omschrijving: 'Omschrijving van het product',
      productcategorie: 'JZ020-categorie volgens de lijst; null als de lijst geen categorie geeft',
      uitvoeringsvariant: 'Inspanningsgericht, outputgericht of taakgericht, indien gegeven',
      hulpvorm:
        'CBS-hulpvorm van het product; null als de lijst geen hulpvorm geeft (dan geldt de categorie)',
      hulpvorm_omschrijving: 'Omschrijving van de hulpvorm volgens de lijst',
    },
  },
  {
    table: 'ref.categorie_hulpvorm',
    comment:
      'Terugval van productcategorie naar CBS-hulpvorm voor producten zonder (bekende) productcode (indicators.md §1).',
    columns: {
      productcategorie: 'JZ020-categorie',
      hulpvorm: 'CBS-hulpvorm; null als de categorie geen jeugdhulp is',
      soort:
        'jeugdhulp, of waarom het geen jeugdhulp is: vervoer, jeugdreclassering, jeugdbescherming, preventief_justitieel',
    },
  },
  {
    table: 'ref.hulpvormen',
    comment: 'CBS-hulpvormen van jeugdhulp (CBS Beleidsinformatie Jeugd, protocol v7) en of het verblijf is.',
    columns: {
      hulpvorm: 'Code 01-04 (zonder verblijf) of 11-14 (met verblijf)',
      omschrijving: 'Omschrijving',
      met_verblijf: 'true = jeugdhulp met verblijf (uithuisplaatsing)',
    },
  },
  {
    table: 'ref.bevolking',
    comment:
      'Jeugdigen per gemeente per jaar (noemer van de per-1.000-cijfers). De meegeleverde waarden zijn BENADERINGEN voor de demo; zie README voor de echte CBS-cijfers (StatLine 03759ned).',
    columns: {
      gemeente: 'CBS-gemeentecode',
      jaar: 'Jaar (stand per 1 januari)',
      leeftijd_0_17: 'Aantal inwoners van 0 tot en met 17 jaar',
      leeftijd_18_22: 'Aantal inwoners van 18 tot en met 22 jaar',
      bron: 'Herkomst van het cijfer, bv. "benadering (demo)" of "CBS 03759ned"',
    },
  },
];

function csv(name: string): string {
  return literal(join(referenceDir, name));
}

/** (Re)creates every ref.* table from the files in reference/. */
export async function loadReference(db: Warehouse, options: { bevolkingFile?: string } = {}): Promise<void> {
  const codelistUnion = CODELISTS.map(
    (id) =>
      `select ${literal(id)} as codelijst, code, omschrijving from read_csv(${csv(`codelists/${id}.csv`)}, header = true, quote = '"', all_varchar = true)`,
  ).join('\nunion all\n');
  const bevolking = options.bevolkingFile ? literal(options.bevolkingFile) : csv('bevolking-jeugd-demo.csv');
  await db.run(`
    create schema if not exists ref;
    create or replace table ref.gemeenten as
      select cbs_code, ijw_code, naam
      from read_csv(${csv('gemeenten.csv')}, header = true, quote = '"', all_varchar = true);
    create or replace table ref.codelijsten as ${codelistUnion};
    create or replace table ref.producten as
      select
        p.productcode,
        p.omschrijving,
        nullif(p.productcategorie_code, '-') as productcategorie,
        p.uitvoeringsvariant,
        nullif(p.dimensie_hulpvorm_code, '-') as hulpvorm,
        nullif(p.dimensie_hulpvorm_omschrijving, '-') as hulpvorm_omschrijving
      from (select unnest(products, recursive := true) from read_json(${csv('productcodes-jeugdwet-jz21.json')})) p;
    create or replace table ref.categorie_hulpvorm as
      select productcategorie, nullif(hulpvorm, '') as hulpvorm, soort
      from read_csv(${csv('categorie-hulpvorm.csv')}, header = true, quote = '"', all_varchar = true);
    create or replace table ref.hulpvormen as
      select hulpvorm, omschrijving, cast(met_verblijf as boolean) as met_verblijf
      from read_csv(${csv('hulpvormen.csv')}, header = true, quote = '"', all_varchar = true);
    create or replace table ref.bevolking as
      select gemeente, cast(jaar as integer) as jaar, cast(leeftijd_0_17 as integer) as leeftijd_0_17,
             cast(leeftijd_18_22 as integer) as leeftijd_18_22, bron
      from read_csv(${bevolking}, header = true, quote = '"', all_varchar = true);
  `);
  for (const doc of docs) {
    await db.run(`comment on table ${doc.table} is ${literal(doc.comment)}`);
    for (const [column, comment] of Object.entries(doc.columns)) {
      await db.run(`comment on column ${doc.table}.${column} is ${literal(comment)}`);
    }
  }
}
