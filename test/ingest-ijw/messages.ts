/**
 * Hand-written iJw 3.2 messages of the real shape: names, addresses, relations, phone, e-mail and
 * Commentaar present, optional elements absent where the options say so. Each builder returns XML text;
 * tests plant faults by replacing one element's text with `set`.
 */

export const NS = (code: string) => `http://www.istandaarden.nl/ijw/3_2/${code}/schema`;
export const BASIS = 'http://www.istandaarden.nl/ijw/3_2/basisschema/schema';

/** Personal data in the messages below: the warehouse scan looks for every one of these. */
export const personalData = {
  bsns: ['111222333', '123456782', '999999990'],
  words: [
    'Jansen',
    'Pietersen',
    'Melkmarkt',
    'Thorbeckegracht',
    '0612345678',
    'ouder@example.nl',
    'Geheime opmerking',
    '8011AB',
    '8011 AB',
  ],
};

export interface Header {
  code: string;
  berichtCode: string;
  afzender: string;
  ontvanger: string;
  id?: string;
  dagtekening?: string;
}

function header(h: Header): string {
  return `  <Header>
    <BerichtCode>${h.berichtCode}</BerichtCode>
    <BerichtVersie>3</BerichtVersie>
    <BerichtSubversie>2</BerichtSubversie>
    <Afzender>${h.afzender}</Afzender>
    <Ontvanger>${h.ontvanger}</Ontvanger>
    <BerichtIdentificatie>
      <ijw:Identificatie>${h.id ?? 'B0001'}</ijw:Identificatie>
      <ijw:Dagtekening>${h.dagtekening ?? '2025-03-01'}</ijw:Dagtekening>
    </BerichtIdentificatie>
    <XsdVersie>
      <ijw:BasisschemaXsdVersie>0.1.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>0.1.0</ijw:BerichtXsdVersie>
    </XsdVersie>
  </Header>`;
}

function open(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="${NS(code)}" xmlns:ijw="${BASIS}">`;
}

export interface Toegewezen {
  nummer: string;
  categorie?: string;
  code?: string;
  datum?: string;
  tijd?: string;
  ingang?: string;
  eind?: string;
  reden?: string;
  omvang?: boolean;
  budget?: string;
}

export function toegewezenProduct(p: Toegewezen): string {
  return `      <ToegewezenProduct>
        <ToewijzingNummer>${p.nummer}</ToewijzingNummer>
        <ReferentieAanbieder>REF-${p.nummer}</ReferentieAanbieder>
        <Product>
          <ijw:Categorie>${p.categorie ?? '45'}</ijw:Categorie>
          ${p.code === '' ? '' : `<ijw:Code>${p.code ?? '45A07'}</ijw:Code>`}
        </Product>
        <Toewijzingsdatum>${p.datum ?? '2025-03-01'}</Toewijzingsdatum>
        <Toewijzingstijd>${p.tijd ?? '10:15:00'}</Toewijzingstijd>
        <Ingangsdatum>${p.ingang ?? '2025-03-01'}</Ingangsdatum>
        ${p.eind ? `<Einddatum>${p.eind}</Einddatum>` : ''}
        ${p.reden ? `<RedenWijziging>${p.reden}</RedenWijziging>` : ''}
        ${
          p.omvang === false
            ? ''
            : `<Omvang>
          <ijw:Volume>4</ijw:Volume>
          <ijw:Eenheid>04</ijw:Eenheid>
          <ijw:Frequentie>2</ijw:Frequentie>
        </Omvang>`
        }
        ${p.budget ? `<Budget>${p.budget}</Budget>` : ''}
        <Commentaar>Geheime opmerking over het gezin</Commentaar>
      </ToegewezenProduct>`;
}

export interface Jw301Options {
  gemeente?: string;
  bsn?: string;
  id?: string;
  dagtekening?: string;
  geboortedatum?: string;
  datumGebruik?: string;
  geslacht?: string;
  products?: Toegewezen[];
  /** Leave out Relaties, Commentaar and the second contact (the optional parts). */
  minimal?: boolean;
}

export function jw301(o: Jw301Options = {}): string {
  const products = o.products ?? [{ nummer: '1001', eind: '2025-12-31', budget: '120000' }];
  return `${open('jw301')}
${header({ code: 'jw301', berichtCode: '436', afzender: o.gemeente ?? '0193', ontvanger: '12345678', id: o.id, dagtekening: o.dagtekening })}
  <Client>
    <Bsn>${o.bsn ?? '111222333'}</Bsn>
    <Geboortedatum>
      <ijw:Datum>${o.geboortedatum ?? '2012-04-05'}</ijw:Datum>
      ${o.datumGebruik ? `<ijw:DatumGebruik>${o.datumGebruik}</ijw:DatumGebruik>` : ''}
    </Geboortedatum>
    <Geslacht>${o.geslacht ?? '1'}</Geslacht>
    <Naam>
      <ijw:Geslachtsnaam>
        <ijw:Achternaam>Jansen</ijw:Achternaam>
      </ijw:Geslachtsnaam>
      <ijw:Voornamen>Piet</ijw:Voornamen>
      <ijw:Voorletters>P</ijw:Voorletters>
      <ijw:NaamGebruik>1</ijw:NaamGebruik>
    </Naam>
    ${o.minimal ? '' : '<Commentaar>Geheime opmerking over de client</Commentaar>'}
    ${
      o.minimal
        ? ''
        : `<Relaties>
      <Relatie>
        <Nummer>1</Nummer>
        <Soort>03</Soort>
        <Naam>
          <ijw:Geslachtsnaam>
            <ijw:Achternaam>Pietersen</ijw:Achternaam>
          </ijw:Geslachtsnaam>
          <ijw:NaamGebruik>1</ijw:NaamGebruik>
        </Naam>
        <Contact>
          <Soort>01</Soort>
          <Adres>
            <ijw:Huis><ijw:Huisnummer>3</ijw:Huisnummer></ijw:Huis>
            <ijw:Postcode>7411AA</ijw:Postcode>
            <ijw:Straatnaam>Thorbeckegracht</ijw:Straatnaam>
            <ijw:Plaatsnaam>Deventer</ijw:Plaatsnaam>
          </Adres>
          <Telefoon><ijw:Telefoon01><ijw:Telefoonnummer>0612345678</ijw:Telefoonnummer><ijw:Landnummer>0031</ijw:Landnummer></ijw:Telefoon01></Telefoon>
          <Emailadres>ouder@example.nl</Emailadres>
        </Contact>
      </Relatie>
    </Relaties>`
    }
    <Contactgegevens>
      ${
        o.minimal
          ? ''
          : `<Contact>
        <Soort>02</Soort>
        <Adres>
          <ijw:Postcode>7411 AA</ijw:Postcode>
          <ijw:Straatnaam>Thorbeckegracht</ijw:Straatnaam>
        </Adres>
      </Contact>`
      }
      <Contact>
        <Soort>01</Soort>
        <Adres>
          <ijw:Huis><ijw:Huisnummer>12</ijw:Huisnummer></ijw:Huis>
          <ijw:Postcode>8011AB</ijw:Postcode>
          <ijw:Straatnaam>Melkmarkt</ijw:Straatnaam>
          <ijw:Plaatsnaam>Zwolle</ijw:Plaatsnaam>
        </Adres>
        <Telefoon><ijw:Telefoon01><ijw:Telefoonnummer>0612345678</ijw:Telefoonnummer><ijw:Landnummer>0031</ijw:Landnummer></ijw:Telefoon01></Telefoon>
        <Emailadres>ouder@example.nl</Emailadres>
      </Contact>
    </Contactgegevens>
    <ToegewezenProducten>
${products.map(toegewezenProduct).join('\n')}
    </ToegewezenProducten>
  </Client>
</Bericht>
`;
}

function shortClient(bsn: string): string {
  return `    <Bsn>${bsn}</Bsn>
    <Geboortedatum><ijw:Datum>2012-04-05</ijw:Datum></Geboortedatum>
    <Geslacht>2</Geslacht>
    <Naam>
      <ijw:Geslachtsnaam><ijw:Achternaam>Jansen</ijw:Achternaam></ijw:Geslachtsnaam>
      <ijw:Voorletters>P</ijw:Voorletters>
    </Naam>`;
}

export interface StartStop {
  nummer?: string;
  begin?: string;
  eind?: string;
  reden?: string;
  status?: string;
}

export function jw305(
  o: { gemeente?: string; bsn?: string; id?: string; dagtekening?: string; products?: StartStop[] } = {},
): string {
  const products = o.products ?? [{ nummer: '1001' }];
  return `${open('jw305')}
${header({ code: 'jw305', berichtCode: '438', afzender: '12345678', ontvanger: o.gemeente ?? '0193', id: o.id, dagtekening: o.dagtekening })}
  <Client>
${shortClient(o.bsn ?? '111222333')}
    <StartProducten>
${products
  .map(
    (p) => `      <StartProduct>
        ${p.nummer === undefined ? '' : `<ToewijzingNummer>${p.nummer}</ToewijzingNummer>`}
        <Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A07</ijw:Code></Product>
        <ToewijzingIngangsdatum>2025-03-01</ToewijzingIngangsdatum>
        <Begindatum>${p.begin ?? '2025-03-10'}</Begindatum>
        <StatusAanlevering>${p.status ?? '1'}</StatusAanlevering>
      </StartProduct>`,
  )
  .join('\n')}
    </StartProducten>
  </Client>
</Bericht>
`;
}

export function jw307(
  o: { gemeente?: string; bsn?: string; id?: string; dagtekening?: string; products?: StartStop[] } = {},
): string {
  const products = o.products ?? [{ nummer: '1001' }];
  return `${open('jw307')}
${header({ code: 'jw307', berichtCode: '440', afzender: '12345678', ontvanger: o.gemeente ?? '0193', id: o.id, dagtekening: o.dagtekening })}
  <Client>
${shortClient(o.bsn ?? '111222333')}
    <StopProducten>
${products
  .map(
    (p) => `      <StopProduct>
        ${p.nummer === undefined ? '' : `<ToewijzingNummer>${p.nummer}</ToewijzingNummer>`}
        <Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A07</ijw:Code></Product>
        <ToewijzingIngangsdatum>2025-03-01</ToewijzingIngangsdatum>
        <Begindatum>${p.begin ?? '2025-03-10'}</Begindatum>
        <RedenBeeindiging>${p.reden ?? '31'}</RedenBeeindiging>
        <Einddatum>${p.eind ?? '2025-09-30'}</Einddatum>
        <StatusAanlevering>${p.status ?? '1'}</StatusAanlevering>
      </StopProduct>`,
  )
  .join('\n')}
    </StopProducten>
  </Client>
</Bericht>
`;
}

export function jw315(o: { gemeente?: string; verwijzer?: string } = {}): string {
  return `${open('jw315')}
${header({ code: 'jw315', berichtCode: '446', afzender: '12345678', ontvanger: o.gemeente ?? '0193', dagtekening: '2025-02-10' })}
  <Client>
${shortClient('123456782')}
    <Commentaar>Geheime opmerking bij de aanvraag</Commentaar>
    <AangevraagdeProducten>
      <AangevraagdProduct>
        <ReferentieAanbieder>AANVR-1</ReferentieAanbieder>
        <Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A07</ijw:Code></Product>
        <ToewijzingIngangsdatum>2025-03-01</ToewijzingIngangsdatum>
        <Verwijzer>
          <ijw:Type>${o.verwijzer ?? '02'}</ijw:Type>
          <ijw:Naam>Dokter Pietersen</ijw:Naam>
        </Verwijzer>
      </AangevraagdProduct>
    </AangevraagdeProducten>
  </Client>
</Bericht>
`;
}

export interface Prestatie {
  nummer?: string;
  bedrag?: string;
  dc?: string;
  eenheid?: string;
}

export function jw323(
  o: { gemeente?: string; clients?: { bsn: string; prestaties: Prestatie[] }[] } = {},
): string {
  const clients = o.clients ?? [
    { bsn: '111222333', prestaties: [{ nummer: '1001' }, { nummer: '1002', dc: 'C' }] },
    { bsn: '123456782', prestaties: [{ nummer: '2001' }] },
  ];
  return `${open('jw323')}
${header({ code: 'jw323', berichtCode: '490', afzender: '12345678', ontvanger: o.gemeente ?? '0193', dagtekening: '2025-05-02' })}
  <Declaratie>
    <DeclaratieNummer>D2025001</DeclaratieNummer>
    <DeclaratiePeriode><ijw:Begindatum>2025-04-01</ijw:Begindatum><ijw:Einddatum>2025-04-30</ijw:Einddatum></DeclaratiePeriode>
    <DeclaratieDagtekening>2025-05-02</DeclaratieDagtekening>
    <TotaalIngediendBedrag><ijw:TotaalBedrag>150000</ijw:TotaalBedrag><ijw:DebetCredit>D</ijw:DebetCredit></TotaalIngediendBedrag>
    <Clienten>
${clients
  .map(
    (c) => `      <Client>
        <Bsn>${c.bsn}</Bsn>
        <Prestaties>
${c.prestaties
  .map(
    (p) => `          <Prestatie>
            <ProductReferentie><ijw:ReferentieNummer>R${p.nummer ?? 'x'}</ijw:ReferentieNummer></ProductReferentie>
            ${p.nummer === undefined ? '' : `<ToewijzingNummer>${p.nummer}</ToewijzingNummer>`}
            <ProductCategorie>45</ProductCategorie>
            <ProductCode>45A07</ProductCode>
            <ProductPeriode><ijw:Begindatum>2025-04-01</ijw:Begindatum><ijw:Einddatum>2025-04-30</ijw:Einddatum></ProductPeriode>
            <GeleverdVolume>10</GeleverdVolume>
            <Eenheid>${p.eenheid ?? '04'}</Eenheid>
            <ProductTarief>7500</ProductTarief>
            <IngediendBedrag><ijw:Bedrag>${p.bedrag ?? '75000'}</ijw:Bedrag><ijw:DebetCredit>${p.dc ?? 'D'}</ijw:DebetCredit></IngediendBedrag>
          </Prestatie>`,
  )
  .join('\n')}
        </Prestaties>
      </Client>`,
  )
  .join('\n')}
    </Clienten>
  </Declaratie>
</Bericht>
`;
}

/** A retour message (JW302): recognised and skipped. */
export function jw302(): string {
  return `${open('jw302')}
${header({ code: 'jw302', berichtCode: '437', afzender: '12345678', ontvanger: '0193' })}
</Bericht>
`;
}

/** Replaces the text of the `nth` (1-based) element named `name` with `value` (or removes it when null). */
export function set(xml: string, name: string, value: string | null, nth = 1): string {
  const re = new RegExp(`<((?:ijw:)?${name})>([^<]*)</\\1>`, 'g');
  let i = 0;
  return xml.replace(re, (whole, tag: string) => {
    i++;
    if (i !== nth) return whole;
    return value === null ? '' : `<${tag}>${value}</${tag}>`;
  });
}
