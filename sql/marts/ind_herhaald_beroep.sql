-- @table Indicator 13, herhaald beroep (indicators.md §2): van de trajecten die in de periode startten
--   het aandeel waarvan de jeugdige in de 5 jaar ervoor een jeugdhulptraject beëindigde (in welke
--   gemeente van de regio ook). Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator herhaald_beroep
-- @column dimensie totaal, hulpvorm of aanbieder
-- @column dimensie_waarde totaal, de hulpvorm of de AGB-code van de aanbieder
-- @column teller Gestarte trajecten van jeugdigen die in de 5 jaar ervoor een traject beëindigden
-- @column noemer Gestarte trajecten
-- @column waarde Aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
--
-- "In the 5 years before" = an end in [start − 5 years, start − 1 day]: an end on or after the start
-- belongs to care that was still running, not to an earlier appeal.
with

actief as (select * from core.traject_perioden where is_gestart),
trajecten as (select * from core.trajecten where einddatum is not null),

beoordeeld as (
  select
    a.*,
    exists (
      select 1 from trajecten e
      where e.client_id = a.client_id
        and e.einddatum < a.begindatum
        and e.einddatum >= a.begindatum - interval '5 years'
    ) as herhaald
  from actief a
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, herhaald from beoordeeld
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, herhaald from beoordeeld
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, herhaald from beoordeeld
),

geteld as (
  select gebied, periode, dimensie, dimensie_waarde,
         count(*) filter (where herhaald) as teller, count(*) as noemer
  from per_dimensie
  group by all
),

final as (
  select
    gebied as gemeente, periode, 'herhaald_beroep' as indicator, dimensie, dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from geteld
  where noemer > 0
)

select * from final
