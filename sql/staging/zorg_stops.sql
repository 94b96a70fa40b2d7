-- @table Stops van zorg zoals ze gelden na correcties, in één vorm voor iJw (JW307) en clientbestand
--   (einde_zorg). Zelfde volgorde en statusregels als staging.zorg_starts; een stop hoort bij de start
--   met dezelfde sleutel (toewijzingnummer, product, begindatum).
-- @grain one row per gemeente × toewijzingnummer × product × begindatum (the key of the start it stops)
-- @column gemeente CBS-code van de gemeente
-- @column toewijzingnummer ToewijzingNummer waarop de zorg stopt
-- @column client_id Pseudoniem van de jeugdige zoals in de stop
-- @column aanbieder_agb AGB-code van de aanbieder zoals in de stop
-- @column productcategorie JZ020-productcategorie van de stop
-- @column productcode Productcode van de stop, indien gegeven
-- @column begindatum Begindatum van de start die deze stop beëindigt
-- @column einddatum Laatste dag van de zorglevering
-- @column reden_beeindiging JZ588-reden; 20 = tijdelijk beëindigd
-- @column status_aanlevering Status van het geldende bericht (1 of 2)
-- @column dagtekening Dagtekening van het geldende bericht (clientbestand: datum in de bestandsnaam)
-- @column bestand Bestand van het geldende bericht
-- @column seq Plaats van het geldende bericht in het bestand
-- @column bron ijw of clientbestand
-- @column aantal_berichten Aantal berichten met deze sleutel (correcties meegeteld)
-- @test unique: gemeente, toewijzingnummer, productcategorie, productcode, begindatum
-- @test not_null: gemeente, toewijzingnummer, begindatum, einddatum, status_aanlevering
-- @test accepted_values status_aanlevering: 1, 2
with

jw307 as (select * from raw.jw307),
clientbestand as (select * from staging.clientbestand),
deliveries as (select * from meta.deliveries),

ijw as (
  select
    j.gemeente, j.toewijzingnummer, j.client_id, j.aanbieder_agb,
    j.productcategorie, j.productcode, j.begindatum, j.einddatum, j.reden_beeindiging,
    j.status_aanlevering, j.dagtekening,
    coalesce(d.file_name, '') || coalesce('/' || d.member_name, '') as bestand,
    j.seq,
    'ijw' as bron
  from jw307 j
  left join deliveries d using (delivery_id)
),

-- A clientbestand row with einde_zorg but no start_zorg has no key to stop; core.datakwaliteit counts it
-- with the stops without a start.
uit_clientbestand as (
  select
    gemeente, toewijzingnummer, client_id, aanbieder_agb,
    productcategorie, productcode, start_zorg as begindatum, einde_zorg as einddatum, reden_beeindiging,
    '1' as status_aanlevering, dagtekening, bestand, seq,
    'clientbestand' as bron
  from clientbestand
  where einde_zorg is not null and start_zorg is not null
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
    begindatum, einddatum, reden_beeindiging, status_aanlevering, dagtekening, bestand, seq, bron,
    aantal_berichten
  from geordend
  where volgorde = 1 and status_aanlevering <> '3'
)

select * from final
