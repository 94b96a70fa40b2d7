-- @table Gedeclareerde prestaties (JW323) met het bedrag met teken: debet positief, credit negatief.
-- @grain one row per JW323 Prestatie
-- @column gemeente CBS-code van de gemeente (JW323 Ontvanger)
-- @column aanbieder_agb AGB-code van de declarerende aanbieder (JW323 Afzender)
-- @column client_id Pseudoniem van de jeugdige
-- @column toewijzingnummer ToewijzingNummer waarop gedeclareerd is
-- @column declaratienummer Declaratienummer
-- @column productcategorie JZ020-productcategorie
-- @column productcode Productcode, indien gegeven
-- @column periode_begin Eerste dag van de productperiode
-- @column periode_eind Laatste dag van de productperiode
-- @column geleverd_volume Geleverd volume
-- @column eenheid WJ756-eenheid van het volume
-- @column product_tarief_cent Producttarief in eurocent
-- @column bedrag_cent Ingediend bedrag in eurocent; credit negatief
-- @column dagtekening Dagtekening van het declaratiebericht
-- @column delivery_id Levering waar de rij vandaan komt
-- @test not_null: gemeente, toewijzingnummer, bedrag_cent, periode_begin, periode_eind
with

jw323 as (select * from raw.jw323),

final as (
  select
    gemeente, aanbieder_agb, client_id, toewijzingnummer, declaratienummer,
    productcategorie, productcode, periode_begin, periode_eind, geleverd_volume, eenheid,
    product_tarief_cent,
    case when debet_credit = 'C' then -ingediend_bedrag_cent else ingediend_bedrag_cent end as bedrag_cent,
    dagtekening, delivery_id
  from jw323
)

select * from final
