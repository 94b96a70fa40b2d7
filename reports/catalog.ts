/**
 * What each shown indicator is called, how it is defined and how to read it, in plain Dutch for council
 * members and policy officers (definitions: indicators.md §2, version `DEFINITIES_VERSIE`).
 */

export const DEFINITIES_VERSIE = 'RIJM indicatordefinities versie 1';

export interface IndicatorText {
  /** Short name for titles and tables. */
  label: string;
  /** The definition, for the caption. */
  definitie: string;
  /** One line on how to read the chart. */
  leeswijzer: string;
}

export const indicatorTexts: Readonly<Record<string, IndicatorText>> = {
  jeugdigen_met_jeugdhulp: {
    label: 'Jeugdigen met jeugdhulp',
    definitie: 'Aantal verschillende jeugdigen met minstens één lopend jeugdhulptraject in de periode.',
    leeswijzer: 'Hoe hoger de lijn, hoe meer jeugdigen in die periode jeugdhulp kregen.',
  },
  uithuisgeplaatst: {
    label: 'Jeugdigen met een uithuisplaatsing',
    definitie:
      'Aantal verschillende jeugdigen met een lopend traject jeugdhulp met verblijf (pleegzorg, gezinsgericht, gesloten of overig verblijf) in de periode.',
    leeswijzer:
      'De regio werkt aan de ambitie van 0 uithuisplaatsingen: een dalende lijn is de gewenste richting.',
  },
  nieuwe_uithuisplaatsingen: {
    label: 'Nieuwe uithuisplaatsingen',
    definitie: 'Aantal verblijfsepisodes (aaneengesloten periodes uit huis) dat in de periode begon.',
    leeswijzer: 'Minder nieuwe uithuisplaatsingen betekent dat meer jeugdigen thuis geholpen worden.',
  },
  uithuisgeplaatst_aandeel: {
    label: 'Aandeel jeugdigen met verblijf',
    definitie:
      'Jeugdigen met jeugdhulp met verblijf, gedeeld door alle jeugdigen met jeugdhulp in de periode; met 95%-betrouwbaarheidsinterval (Wilson).',
    leeswijzer:
      'Lager is beter: dan krijgen meer jeugdigen hun hulp thuis. De band geeft de onzekerheid aan.',
  },
  kleinschalig_gezinsgericht: {
    label: 'Verblijf in een gezin(svorm)',
    definitie:
      'Aandeel van de uithuisgeplaatste jeugdigen dat in pleegzorg of gezinsgericht verblijf (gezinshuis, logeerhuis, zorgboerderij) woont.',
    leeswijzer:
      'Hoger is beter: als thuis wonen niet kan, is een gezin of gezinshuis het best passende alternatief.',
  },
  ambulant_aandeel: {
    label: 'Hulp zonder verblijf',
    definitie: 'Aandeel van de jeugdigen met jeugdhulp dat in de periode geen jeugdhulp met verblijf had.',
    leeswijzer: 'Hoger is beter: meer hulp thuis, op school en in de buurt.',
  },
  ambulant_verhouding: {
    label: 'Gestart zonder verblijf per gestart met verblijf',
    definitie:
      'Het aantal in de periode gestarte jeugdhulptrajecten zonder verblijf, gedeeld door het aantal gestarte trajecten met verblijf.',
    leeswijzer: 'Hoger is beter: op elk traject met verblijf beginnen meer trajecten thuis.',
  },
  jeugdigen_justitieel: {
    label: 'Jeugdbescherming en jeugdreclassering',
    definitie:
      'Aantal verschillende jeugdigen met een lopende maatregel of begeleiding in het justitiële kader (jeugdreclassering, jeugdbescherming, preventief justitieel) in de periode. Dit is geen jeugdhulp en telt in geen ander cijfer mee.',
    leeswijzer: 'Een jeugdige die in de periode onder twee kaders viel, telt bij beide kaders één keer.',
  },
  uitval: {
    label: 'Uitval',
    definitie:
      'Trajecten die voortijdig zijn afgesloten door de cliënt of door de aanbieder (reden 32 of 33), gedeeld door de trajecten met een bekende reden van beëindiging.',
    leeswijzer: 'Lager is beter: minder trajecten die voortijdig stoppen zonder dat de hulp af is.',
  },
  doelrealisatie_volledig_of_gedeeltelijk: {
    label: 'Doelen (deels) behaald',
    definitie:
      'Aandeel van de uitkomstmetingen bij beëindigde trajecten waarin de doelen volledig of gedeeltelijk zijn behaald.',
    leeswijzer: 'Hoger is beter: bij meer trajecten zijn de afgesproken doelen bereikt.',
  },
  tevredenheid_7_of_hoger: {
    label: 'Hulp gewaardeerd met 7 of hoger',
    definitie:
      'Aandeel van de metingen bij beëindigde trajecten met een rapportcijfer van 7 of hoger voor het nut van de hulp.',
    leeswijzer: 'Hoger is beter: meer jeugdigen en ouders vonden de hulp nuttig.',
  },
  geen_nieuwe_start: {
    label: 'Geen nieuwe hulp binnen een half jaar',
    definitie:
      'Aandeel van de beëindigde trajecten waarna de jeugdige binnen 183 dagen geen nieuw jeugdhulptraject begon (CBS uitkomstcriterium 3.2).',
    leeswijzer: 'Hoger is beter: na de hulp kon de jeugdige zonder nieuwe jeugdhulp verder.',
  },
  tijdigheid_binnen_28_dagen: {
    label: 'Hulp gestart binnen 28 dagen',
    definitie: 'Aandeel van de toewijzingen waarbij de hulp binnen 28 dagen na de aanvraag begon.',
    leeswijzer: 'Hoger is beter: meer jeugdigen konden snel beginnen.',
  },
  herhaald_beroep: {
    label: 'Herhaald beroep',
    definitie:
      'Aandeel van de gestarte trajecten van jeugdigen die in de vijf jaar ervoor al een traject afsloten.',
    leeswijzer: 'Lager is beter: minder jeugdigen die na eerdere hulp opnieuw hulp nodig hebben.',
  },
  kosten_gedeclareerd: {
    label: 'Gedeclareerde kosten',
    definitie: 'Gedeclareerde bedragen (debet min credit) per hulpvorm in het jaar, in euro.',
    leeswijzer: 'De langste balk is de hulpvorm waaraan het meeste geld is uitgegeven.',
  },
  kosten_per_jeugdige: {
    label: 'Kosten per jeugdige',
    definitie: 'Gedeclareerde bedragen gedeeld door het aantal jeugdigen met jeugdhulp.',
    leeswijzer: '',
  },
  verblijfsduur_km_mediaan: {
    label: 'Mediane verblijfsduur',
    definitie:
      'Kaplan–Meier-mediaan van de duur van aaneengesloten verblijf, per startjaar; lopende verblijven tellen mee tot de peildatum.',
    leeswijzer: '',
  },
};

/** CBS hulpvormen (reference/hulpvormen.csv), short names for charts. */
export const hulpvormNamen: Readonly<Record<string, string>> = {
  '01': 'Wijk- of buurtteam',
  '02': 'Ambulant bij de aanbieder',
  '03': 'Daghulp',
  '04': 'In het netwerk van de jeugdige',
  '11': 'Pleegzorg',
  '12': 'Gezinsgericht verblijf',
  '13': 'Gesloten plaatsing',
  '14': 'Overig verblijf',
};

export function textOf(indicator: string): IndicatorText {
  return indicatorTexts[indicator] ?? { label: indicator, definitie: indicator, leeswijzer: '' };
}
