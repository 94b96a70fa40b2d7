-- @table Elke versie van elke toewijzing, in één vorm voor iJw en clientbestand: een JW301-product, of
--   de laatst geleverde clientbestandregel van een toewijzing. Welke versie geldt, bepaalt core.toewijzingen.
-- @grain one row per toewijzing version (gemeente × toewijzingnummer × message or clientbestand row)
-- @column gemeente CBS-code van de gemeente die toewijst (JW301 Afzender of kolom gemeente)
-- @column toewijzingnummer ToewijzingNummer; uniek binnen de gemeente
-- @column client_id Pseudoniem van de jeugdige
-- @column aanbieder_agb AGB-code van de aanbieder (JW301 Ontvanger of kolom aanbieder_agb)
-- @column geboortejaar Geboortejaar van de jeugdige
-- @column geboortemaand Geboortemaand van de jeugdige (1-12)
-- @column productcategorie JZ020-productcategorie
-- @column productcode Productcode (5 tekens), indien gegeven
-- @column toewijzingsdatum Toewijzingsdatum van deze versie
-- @column toewijzingstijd Toewijzingstijd van deze versie (clientbestand: 00:00:00)
-- @column ingangsdatum Ingangsdatum van de toewijzing
-- @column einddatum Einddatum van de toewijzing; leeg = onbepaald
-- @column reden_wijziging JZ002 RedenWijziging; 13 = verwijderd (de toewijzing heeft nooit bestaan)
-- @column budget_cent Toegewezen budget in eurocent
-- @column referentie_aanbieder ReferentieAanbieder (koppelt aan het JW315-verzoek); clientbestand: leeg
-- @column dagtekening Dagtekening van het bericht; clientbestand: de datum in de bestandsnaam
-- @column bestand Bestandsnaam (met zip-onderdeel) waarin de versie binnenkwam, voor de volgorde
-- @column seq Plaats in het bericht of regel in het clientbestand
-- @column bron ijw of clientbestand
-- @column delivery_id Levering waar de rij vandaan komt (meta.deliveries)
-- @test not_null: gemeente, toewijzingnummer, client_id, aanbieder_agb, toewijzingsdatum, ingangsdatum, bron
-- @test accepted_values bron: ijw, clientbestand
--
-- Staging only renames and casts; the choice of the current version is a core rule.
with

jw301 as (select * from raw.jw301),
clientbestand as (select * from staging.clientbestand),
deliveries as (select * from meta.deliveries),

ijw as (
  select
    j.gemeente, j.toewijzingnummer, j.client_id, j.aanbieder_agb,
    j.geboortejaar::integer as geboortejaar, j.geboortemaand::integer as geboortemaand,
    j.productcategorie, j.productcode,
    j.toewijzingsdatum, j.toewijzingstijd, j.ingangsdatum, j.einddatum,
    j.reden_wijziging, j.budget_cent, j.referentie_aanbieder,
    j.dagtekening,
    coalesce(d.file_name, '') || coalesce('/' || d.member_name, '') as bestand,
    j.seq,
    'ijw' as bron,
    j.delivery_id
  from jw301 j
  left join deliveries d using (delivery_id)
),

uit_clientbestand as (
  select
    gemeente, toewijzingnummer, client_id, aanbieder_agb,
    geboortejaar, geboortemaand,
    productcategorie, productcode,
    toewijzingsdatum, time '00:00:00' as toewijzingstijd, ingangsdatum, einddatum,
    null::varchar as reden_wijziging, budget_cent, null::varchar as referentie_aanbieder,
    dagtekening, bestand, seq,
    'clientbestand' as bron,
    delivery_id
  from clientbestand
),

final as (
  select * from ijw
  union all
  select * from uit_clientbestand
)

select * from final
