-- @table Het clientbestand zoals het nu geldt: per toewijzing de laatst geleverde regel (delivery.md §3.3:
--   een latere levering vervangt de regel met dezelfde sleutel).
-- @grain one row per gemeente × toewijzingnummer
-- @column gemeente CBS-code van de gemeente
-- @column toewijzingnummer Toewijzingnummer; uniek binnen de gemeente
-- @column client_id Pseudoniem van de jeugdige
-- @column geboortejaar Geboortejaar van de jeugdige
-- @column geboortemaand Geboortemaand van de jeugdige (1-12)
-- @column aanbieder_agb AGB-code van de aanbieder
-- @column productcategorie JZ020-productcategorie
-- @column productcode Productcode, indien gegeven
-- @column toewijzingsdatum Toewijzingsdatum
-- @column ingangsdatum Ingangsdatum van de toewijzing
-- @column einddatum Einddatum van de toewijzing; leeg = onbepaald
-- @column budget_cent Toegewezen budget in eurocent
-- @column start_zorg Eerste dag van zorglevering; leeg = (nog) geen zorg geleverd
-- @column einde_zorg Laatste dag van zorglevering; leeg = loopt nog of onbekend
-- @column reden_beeindiging JZ588-reden bij einde_zorg
-- @column dagtekening De datum in de bestandsnaam (speelt de rol van de Dagtekening van een bericht);
--   zonder datum de toewijzingsdatum
-- @column bestand Bestandsnaam (met onderdeel), voor de volgorde
-- @column seq Regelnummer in het bestand
-- @column delivery_id Levering waar de regel vandaan komt
-- @test unique: gemeente, toewijzingnummer
-- @test not_null: gemeente, toewijzingnummer, client_id, dagtekening
--
-- Order of deliveries: the date in the file name, then the file name, then the line (later wins).
with

clientbestand as (select * from raw.clientbestand),
deliveries as (select * from meta.deliveries),

geordend as (
  select
    c.*,
    coalesce(d.file_name, '') || coalesce('/' || d.member_name, '') as bestand,
    row_number() over (
      partition by c.gemeente, c.toewijzingnummer
      order by c.file_date desc nulls last, bestand desc, c.line desc
    ) as volgorde
  from clientbestand c
  left join deliveries d using (delivery_id)
),

final as (
  select
    gemeente, toewijzingnummer, client_id,
    geboortejaar::integer as geboortejaar, geboortemaand::integer as geboortemaand,
    aanbieder_agb, productcategorie, productcode,
    toewijzingsdatum, ingangsdatum, einddatum, budget_cent,
    start_zorg, einde_zorg, reden_beeindiging,
    coalesce(file_date, toewijzingsdatum) as dagtekening,
    bestand,
    line as seq,
    delivery_id
  from geordend
  where volgorde = 1
)

select * from final
