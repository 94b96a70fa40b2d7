-- raw: typed, pseudonymised rows as delivered, with lineage (delivery_id, file, line/element).
-- No BSN, name, address, contact or free text is ever stored: client_id is the keyed pseudonym,
-- of the birth date only year and month are kept, of the postcode only the four digits.
create schema if not exists raw;

-- JW301 Toewijzing: one row per ToegewezenProduct per message (every version is kept).
create table if not exists raw.jw301 (
  delivery_id          varchar not null,
  seq                  integer not null,  -- product index within the message, 1-based
  gemeente             varchar not null,  -- header Afzender as CBS code
  aanbieder_agb        varchar not null,  -- header Ontvanger
  bericht_identificatie varchar not null,
  dagtekening          date not null,
  client_id            varchar not null,
  geboortejaar         smallint,
  geboortemaand        tinyint,
  geslacht             varchar,           -- COD046
  postcode4            varchar,
  toewijzingnummer     varchar not null,
  referentie_aanbieder varchar,
  productcategorie     varchar,           -- JZ020
  productcode          varchar,
  toewijzingsdatum     date not null,
  toewijzingstijd      time not null,
  ingangsdatum         date not null,
  einddatum            date,
  reden_wijziging      varchar,           -- JZ002
  volume               integer,
  eenheid              varchar,           -- WJ756
  frequentie           varchar,           -- WMO757
  budget_cent          bigint
);

-- JW305 Start zorg: one row per StartProduct.
create table if not exists raw.jw305 (
  delivery_id          varchar not null,
  seq                  integer not null,
  gemeente             varchar not null,  -- header Ontvanger
  aanbieder_agb        varchar not null,  -- header Afzender
  bericht_identificatie varchar not null,
  dagtekening          date not null,
  client_id            varchar not null,
  toewijzingnummer     varchar not null,
  productcategorie     varchar,
  productcode          varchar,
  toewijzing_ingangsdatum date,
  begindatum           date not null,
  status_aanlevering   varchar not null   -- COD467: 1 eerste, 2 gewijzigd, 3 verwijderen
);

-- JW307 Stop zorg: one row per StopProduct.
create table if not exists raw.jw307 (
  delivery_id          varchar not null,
  seq                  integer not null,
  gemeente             varchar not null,
  aanbieder_agb        varchar not null,
  bericht_identificatie varchar not null,
  dagtekening          date not null,
  client_id            varchar not null,
  toewijzingnummer     varchar not null,
  productcategorie     varchar,
  productcode          varchar,
  toewijzing_ingangsdatum date,
  begindatum           date not null,
  einddatum            date not null,
  reden_beeindiging    varchar not null,  -- JZ588
  status_aanlevering   varchar not null
);

-- JW315 Verzoek om toewijzing: one row per AangevraagdProduct.
create table if not exists raw.jw315 (
  delivery_id          varchar not null,
  seq                  integer not null,
  gemeente             varchar not null,  -- header Ontvanger
  aanbieder_agb        varchar not null,  -- header Afzender
  bericht_identificatie varchar not null,
  dagtekening          date not null,     -- the request date
  client_id            varchar not null,
  referentie_aanbieder varchar not null,
  productcategorie     varchar,
  productcode          varchar,
  toewijzing_ingangsdatum date,
  toewijzing_einddatum date,
  verwijzer_type       varchar            -- COD327
);

-- JW323 Declaratie: one row per Prestatie.
create table if not exists raw.jw323 (
  delivery_id          varchar not null,
  seq                  integer not null,
  gemeente             varchar not null,  -- header Ontvanger
  aanbieder_agb        varchar not null,  -- header Afzender
  bericht_identificatie varchar not null,
  dagtekening          date not null,
  declaratienummer     varchar,
  client_id            varchar not null,
  toewijzingnummer     varchar not null,
  productcategorie     varchar not null,
  productcode          varchar,
  periode_begin        date not null,
  periode_eind         date not null,
  geleverd_volume      integer,
  eenheid              varchar,
  product_tarief_cent  bigint,
  ingediend_bedrag_cent bigint not null,
  debet_credit         varchar not null   -- D or C
);

-- uitkomsten (delivery.md §3.2): one row per valid measurement row.
create table if not exists raw.uitkomsten (
  delivery_id          varchar not null,
  line                 integer not null,  -- line (CSV) or row (XLSX) in the file, 1-based
  file_date            date,              -- the date in the file name, for ordering later deliveries
  gemeente             varchar not null,
  client_id            varchar not null,
  toewijzingnummer     varchar not null,
  aanbieder_agb        varchar not null,
  productcode          varchar not null,
  einddatum            date not null,
  informant            varchar not null,  -- J | O
  doelrealisatie       varchar,           -- 1 | 2 | 3
  tevredenheid         tinyint,           -- 1..10
  zonder_hulp_verder   varchar,           -- 01..04
  meetdatum            date
);

-- clientbestand (delivery.md §3.3): one row per toewijzing as exported.
create table if not exists raw.clientbestand (
  delivery_id          varchar not null,
  line                 integer not null,
  file_date            date,
  gemeente             varchar not null,
  client_id            varchar not null,
  geboortejaar         smallint,
  geboortemaand        tinyint,
  geslacht             varchar,
  postcode4            varchar,
  toewijzingnummer     varchar not null,
  aanbieder_agb        varchar not null,
  productcategorie     varchar not null,
  productcode          varchar,
  toewijzingsdatum     date not null,
  ingangsdatum         date not null,
  einddatum            date,
  volume               integer,
  eenheid              varchar,
  frequentie           varchar,
  budget_cent          bigint,
  verwijzer            varchar,
  start_zorg           date,
  einde_zorg           date,
  reden_beeindiging    varchar
);
