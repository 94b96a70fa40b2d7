-- @table Verzoeken om toewijzing (JW315): de aanvraagdatum per aangevraagd product, voor de tijdigheid.
-- @grain one row per JW315 AangevraagdProduct
-- @column gemeente CBS-code van de gemeente (JW315 Ontvanger)
-- @column aanbieder_agb AGB-code van de aanvragende aanbieder (JW315 Afzender)
-- @column client_id Pseudoniem van de jeugdige
-- @column referentie_aanbieder ReferentieAanbieder; de JW301 herhaalt deze
-- @column productcategorie Aangevraagde JZ020-productcategorie
-- @column productcode Aangevraagde productcode, indien gegeven
-- @column verzoekdatum Dagtekening van het verzoek (de aanvraagdatum)
-- @column verwijzer_type COD327 type verwijzer
-- @column delivery_id Levering waar de rij vandaan komt
-- @test not_null: gemeente, aanbieder_agb, referentie_aanbieder, verzoekdatum
with

jw315 as (select * from raw.jw315),

final as (
  select
    gemeente, aanbieder_agb, client_id, referentie_aanbieder, productcategorie, productcode,
    dagtekening as verzoekdatum, verwijzer_type, delivery_id
  from jw315
)

select * from final
