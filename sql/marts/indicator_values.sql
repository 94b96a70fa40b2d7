-- @table Alle indicatoren van indicators.md voor elke gemeente en de regio IJsselland, per jaar en
--   halfjaar: de tabel voor onderzoekers (indicators.md §4). Onafgeronde waarden; de publicatieregel
--   (§3) geldt pas waar cijfers het warehouse verlaten. Elke indicatorfamilie is een eigen model
--   marts.ind_<familie>; deze tabel voegt ze samen.
-- @grain one row per gemeente × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente (GM0193 …), of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1, 2024-H2); bij cohortindicatoren het startjaar van
--   het cohort
-- @column indicator Id van de indicator (indicators.md §4; uitleg in docs/indicatoren.md)
-- @column dimensie totaal, hulpvorm, informant, aanbieder, verblijfstype of kader (justitieel kader)
-- @column dimensie_waarde De waarde van de dimensie: bv. 11, J, een AGB-code; totaal bij dimensie totaal
-- @column teller Teller (aantal) van een aandeel; leeg waar de waarde geen aandeel is
-- @column noemer Noemer (aantal) van een aandeel; bij gemiddelden en medianen het aantal waarden; bij
--   cijfers per 1.000 de bevolking; leeg bij aantallen
-- @column waarde De waarde: een aandeel als fractie 0-1, een aantal, een gemiddelde, dagen of euro's
-- @column ci_laag Ondergrens van het 95%-interval (Wilson bij aandelen, Kaplan-Meier bij medianen)
-- @column ci_hoog Bovengrens van het 95%-interval (Wilson bij aandelen, Kaplan-Meier bij medianen)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
-- @test accepted_values dimensie: totaal, hulpvorm, informant, aanbieder, verblijfstype, kader
with

families as (
  select * from marts.ind_jeugdigen
  union all by name select * from marts.ind_trajecten
  union all by name select * from marts.ind_beeindiging
  union all by name select * from marts.ind_doelrealisatie
  union all by name select * from marts.ind_tevredenheid
  union all by name select * from marts.ind_geen_nieuwe_start
  union all by name select * from marts.ind_tijdigheid
  union all by name select * from marts.ind_herhaald_beroep
  union all by name select * from marts.ind_ambulant
  union all by name select * from marts.ind_achttien
  union all by name select * from marts.ind_verblijf
  union all by name select * from marts.ind_verblijfsduur
  union all by name select * from marts.ind_kosten
  union all by name select * from marts.ind_justitieel
),

final as (
  select
    gemeente::varchar as gemeente,
    periode::varchar as periode,
    indicator::varchar as indicator,
    dimensie::varchar as dimensie,
    dimensie_waarde::varchar as dimensie_waarde,
    teller::bigint as teller,
    noemer::bigint as noemer,
    waarde::double as waarde,
    ci_laag::double as ci_laag,
    ci_hoog::double as ci_hoog
  from families
)

select * from final
