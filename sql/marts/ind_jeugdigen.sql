-- @table Indicator 1, jeugdigen met jeugdhulp (indicators.md §2): het aantal verschillende jeugdigen met
--   een actief jeugdhulptraject in de periode (ook per hulpvorm), en per 1.000 jeugdigen van 0-22 jaar.
--   Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator jeugdigen_met_jeugdhulp of jeugdigen_per_1000
-- @column dimensie totaal of hulpvorm
-- @column dimensie_waarde totaal, of de hulpvorm (01-04, 11-14)
-- @column teller Bij jeugdigen_per_1000 het aantal jeugdigen; leeg bij aantallen
-- @column noemer Bij jeugdigen_per_1000 de bevolking van 0-22 jaar; leeg bij aantallen
-- @column waarde Aantal jeugdigen, of jeugdigen per 1.000 inwoners van 0-22 jaar
-- @column ci_laag Leeg (geen aandeel)
-- @column ci_hoog Leeg (geen aandeel)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
--
-- In the region a client counts once, even with care from two gemeenten in one period. Every
-- gebied × periode × hulpvorm gets a row, also when the count is 0 (indicators.md §1 Rows).
-- The population of the period's year is used; for a year ref.bevolking does not have, the nearest
-- earlier year (or else the earliest year it has).
with

actief as (select * from core.traject_perioden),
perioden as (select * from core.perioden),
gebieden as (select * from core.gebieden),
hulpvormen as (select hulpvorm from ref.hulpvormen),
bevolking as (select * from ref.bevolking),

raster as (
  select distinct g.gebied, p.periode, p.jaar, d.dimensie, d.dimensie_waarde
  from gebieden g
  cross join perioden p
  cross join (
    select 'totaal' as dimensie, 'totaal' as dimensie_waarde
    union all
    select 'hulpvorm', hulpvorm from hulpvormen
  ) d
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, client_id from actief
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, client_id from actief
),

jeugdigen as (
  select gebied, periode, dimensie, dimensie_waarde, count(distinct client_id) as aantal
  from per_dimensie
  group by all
),

bevolking_per_jaar as (
  select g.gebied, p.jaar, sum(b.leeftijd_0_17 + b.leeftijd_18_22) as inwoners_0_22
  from gebieden g
  cross join (select distinct jaar from perioden) p
  join bevolking b
    on b.gemeente = g.gemeente
    and b.jaar = coalesce(
      (select max(jaar) from bevolking x where x.gemeente = g.gemeente and x.jaar <= p.jaar),
      (select min(jaar) from bevolking x where x.gemeente = g.gemeente)
    )
  group by g.gebied, p.jaar
),

aantallen as (
  select
    r.gebied, r.periode, r.jaar, r.dimensie, r.dimensie_waarde,
    coalesce(j.aantal, 0) as aantal
  from raster r
  left join jeugdigen j using (gebied, periode, dimensie, dimensie_waarde)
),

final as (
  select
    gebied as gemeente, periode, 'jeugdigen_met_jeugdhulp' as indicator, dimensie, dimensie_waarde,
    null::bigint as teller, null::bigint as noemer, aantal::double as waarde,
    null::double as ci_laag, null::double as ci_hoog
  from aantallen
  union all
  select
    a.gebied, a.periode, 'jeugdigen_per_1000', a.dimensie, a.dimensie_waarde,
    a.aantal, b.inwoners_0_22, 1000.0 * a.aantal / b.inwoners_0_22,
    null, null
  from aantallen a
  join bevolking_per_jaar b using (gebied, jaar)
  where a.dimensie = 'totaal' and b.inwoners_0_22 > 0
)

select * from final
