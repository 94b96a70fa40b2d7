-- @table Uitkomstmetingen zoals ze nu gelden: per gemeente, toewijzing en informant de laatst geleverde
--   rij (delivery.md §3.2). Volgorde: datum in de bestandsnaam, dan bestandsnaam, dan regel.
-- @grain one row per gemeente × toewijzingnummer × informant
-- @column gemeente CBS-code van de gemeente
-- @column toewijzingnummer ToewijzingNummer van de toewijzing waarop de zorg geleverd werd
-- @column informant J = jeugdige, O = ouder/opvoeder
-- @column client_id Pseudoniem van de jeugdige
-- @column aanbieder_agb AGB-code van de aanbieder zoals in de meting
-- @column productcode Productcode zoals in de meting
-- @column einddatum Laatste dag van zorg zoals in de meting
-- @column doelrealisatie 1 volledig, 2 gedeeltelijk, 3 niet behaald; leeg = niet gemeten
-- @column tevredenheid Rapportcijfer 1-10 voor het nut van de hulp (CBS 4.3); leeg = niet gemeten
-- @column zonder_hulp_verder CBS 4.4: 01 zelfde of zwaardere hulp, 02 lichtere hulp, 03 nu geen hulp maar
--   later wel, 04 geen hulp meer nodig; leeg = niet gemeten
-- @column meetdatum Datum van de meting, indien gegeven
-- @column bestand Bestand waarin de geldende rij binnenkwam
-- @column delivery_id Levering van de geldende rij
-- @test unique: gemeente, toewijzingnummer, informant
-- @test accepted_values informant: J, O
-- @test accepted_values doelrealisatie: 1, 2, 3
-- @test accepted_values zonder_hulp_verder: 01, 02, 03, 04
with

uitkomsten as (select * from raw.uitkomsten),
deliveries as (select * from meta.deliveries),

geordend as (
  select
    u.*,
    coalesce(d.file_name, '') || coalesce('/' || d.member_name, '') as bestand,
    row_number() over (
      partition by u.gemeente, u.toewijzingnummer, u.informant
      order by u.file_date desc nulls last, bestand desc, u.line desc
    ) as volgorde
  from uitkomsten u
  left join deliveries d using (delivery_id)
),

final as (
  select
    gemeente, toewijzingnummer, informant, client_id, aanbieder_agb, productcode, einddatum,
    doelrealisatie, tevredenheid::integer as tevredenheid, zonder_hulp_verder, meetdatum,
    bestand, delivery_id
  from geordend
  where volgorde = 1
)

select * from final
