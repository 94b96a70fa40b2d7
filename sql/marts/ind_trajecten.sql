-- @table Indicator 2, trajecten (indicators.md §2): het aantal actieve, gestarte en beëindigde
--   jeugdhulptrajecten in de periode, in totaal, per hulpvorm en per aanbieder. Eén van de families van
--   marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator trajecten_actief, trajecten_gestart of trajecten_beeindigd
-- @column dimensie totaal, hulpvorm of aanbieder
-- @column dimensie_waarde totaal, de hulpvorm (01-04, 11-14) of de AGB-code van de aanbieder
-- @column teller Leeg (aantal)
-- @column noemer Leeg (aantal)
-- @column waarde Aantal trajecten
-- @column ci_laag Leeg (geen aandeel)
-- @column ci_hoog Leeg (geen aandeel)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
--
-- A trajectory belongs to one gemeente, so the region's counts are the sum of the gemeenten'.
-- Counts get a row also when 0: for every hulpvorm, and for every aanbieder that ever had a
-- trajectory in the gebied.
with

actief as (select * from core.traject_perioden),
trajecten as (select * from core.trajecten),
perioden as (select * from core.perioden),
gebieden as (select * from core.gebieden),
hulpvormen as (select hulpvorm from ref.hulpvormen),

aanbieders as (
  select distinct g.gebied, t.aanbieder_agb
  from trajecten t
  join gebieden g using (gemeente)
),

raster as (
  select g.gebied, p.periode, d.dimensie, d.dimensie_waarde
  from (select distinct gebied from gebieden) g
  cross join perioden p
  cross join (
    select 'totaal' as dimensie, 'totaal' as dimensie_waarde
    union all
    select 'hulpvorm', hulpvorm from hulpvormen
  ) d
  union all
  select a.gebied, p.periode, 'aanbieder', a.aanbieder_agb
  from aanbieders a
  cross join perioden p
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, is_gestart, is_beeindigd
  from actief
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, is_gestart, is_beeindigd from actief
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, is_gestart, is_beeindigd from actief
),

geteld as (
  select
    gebied, periode, dimensie, dimensie_waarde,
    count(*) as actief,
    count(*) filter (where is_gestart) as gestart,
    count(*) filter (where is_beeindigd) as beeindigd
  from per_dimensie
  group by all
),

compleet as (
  select r.*, coalesce(g.actief, 0) as actief, coalesce(g.gestart, 0) as gestart,
         coalesce(g.beeindigd, 0) as beeindigd
  from raster r
  left join geteld g using (gebied, periode, dimensie, dimensie_waarde)
),

final as (
  select
    gebied as gemeente, periode, 'trajecten_' || soort as indicator, dimensie, dimensie_waarde,
    null::bigint as teller, null::bigint as noemer, aantal::double as waarde,
    null::double as ci_laag, null::double as ci_hoog
  from compleet
  unpivot (aantal for soort in (actief, gestart, beeindigd))
)

select * from final
