-- @table Starts van zorg zoals ze gelden na correcties, in één vorm voor iJw (JW305) en clientbestand
--   (start_zorg). Berichten gelden in volgorde van Dagtekening, dan bestandsnaam, dan plaats; het laatste
--   bericht per sleutel telt: StatusAanlevering 1 en 2 voegen in of vervangen, 3 verwijdert.
-- @grain one row per gemeente × toewijzingnummer × product × begindatum (the start's key)
-- @column gemeente CBS-code van de gemeente (JW305 Ontvanger of kolom gemeente)
-- @column toewijzingnummer ToewijzingNummer waarop de zorg start
-- @column client_id Pseudoniem van de jeugdige zoals in de start
-- @column aanbieder_agb AGB-code van de aanbieder zoals in de start
-- @column productcategorie JZ020-productcategorie van de start
-- @column productcode Productcode van de start, indien gegeven
-- @column begindatum Eerste dag van de zorglevering
-- @column status_aanlevering Status van het geldende bericht (1 of 2; 3 is verwijderd en hier weggelaten)
-- @column dagtekening Dagtekening van het geldende bericht (clientbestand: datum in de bestandsnaam)
-- @column bestand Bestand van het geldende bericht
-- @column seq Plaats van het geldende bericht in het bestand
-- @column bron ijw of clientbestand
-- @column aantal_berichten Aantal berichten met deze sleutel (correcties meegeteld)
-- @test unique: gemeente, toewijzingnummer, productcategorie, productcode, begindatum
-- @test not_null: gemeente, toewijzingnummer, begindatum, status_aanlevering
-- @test accepted_values status_aanlevering: 1, 2
with

jw305 as (select * from raw.jw305),
clientbestand as (select * from staging.clientbestand),
deliveries as (select * from meta.deliveries),

ijw as (
  select
    j.gemeente, j.toewijzingnummer, j.client_id, j.aanbieder_agb,
    j.productcategorie, j.productcode, j.begindatum, j.status_aanlevering,
    j.dagtekening,
    coalesce(d.file_name, '') || coalesce('/' || d.member_name, '') as bestand,
    j.seq,
    'ijw' as bron
  from jw305 j
  left join deliveries d using (delivery_id)
),

uit_clientbestand as (
  select
    gemeente, toewijzingnummer, client_id, aanbieder_agb,
    productcategorie, productcode, start_zorg as begindatum, '1' as status_aanlevering,
    dagtekening, bestand, seq,
    'clientbestand' as bron
  from clientbestand
  where start_zorg is not null
),

berichten as (
  select * from ijw
  union all
  select * from uit_clientbestand
),

geordend as (
  select
    *,
    row_number() over sleutel_volgorde as volgorde,
    count(*) over (partition by gemeente, toewijzingnummer, productcategorie, productcode, begindatum)
      as aantal_berichten
  from berichten
  window sleutel_volgorde as (
    partition by gemeente, toewijzingnummer, productcategorie, productcode, begindatum
    order by dagtekening desc, bestand desc, seq desc
  )
),

final as (
  select
    gemeente, toewijzingnummer, client_id, aanbieder_agb, productcategorie, productcode,
    begindatum, status_aanlevering, dagtekening, bestand, seq, bron, aantal_berichten
  from geordend
  where volgorde = 1 and status_aanlevering <> '3'
)

select * from final
