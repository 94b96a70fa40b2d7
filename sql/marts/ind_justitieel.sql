-- @table Het justitiële kader, apart geteld (indicators.md §1 Hulpvorm: categorie 47, 48 en 49 zijn geen
--   jeugdhulp en tellen apart): het aantal verschillende jeugdigen met een lopende levering van
--   jeugdreclassering, jeugdbescherming of preventief justitiële hulp in de periode, samen en per kader.
--   Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator jeugdigen_justitieel
-- @column dimensie totaal of kader
-- @column dimensie_waarde totaal, of jeugdreclassering, jeugdbescherming, preventief_justitieel
-- @column teller Leeg (een aantal)
-- @column noemer Leeg (een aantal)
-- @column waarde Aantal verschillende jeugdigen
-- @column ci_laag Leeg (geen aandeel)
-- @column ci_hoog Leeg (geen aandeel)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
--
-- These are not trajectories (core.trajecten holds jeugdhulp only), so the count is over delivery
-- episodes: an episode is active in a period as a trajectory is (core.traject_perioden), censored at
-- the peildatum in the same way. In the region a client counts once. Every gebied × periode × kader
-- gets a row, also when the count is 0.
with

episodes as (
  select * from core.episodes
  where soort in ('jeugdreclassering', 'jeugdbescherming', 'preventief_justitieel')
),
perioden as (select * from core.perioden),
gebieden as (select * from core.gebieden),
peildatum as (select peildatum from core.peildatum),

gecensureerd as (
  select
    e.gemeente, e.client_id, e.soort, e.begindatum,
    case when e.einddatum <= p.peildatum then e.einddatum end as einddatum
  from episodes e
  cross join peildatum p
  where e.begindatum <= p.peildatum
),

actief as (
  select g.gebied, pe.periode, e.client_id, e.soort
  from gecensureerd e
  join gebieden g on g.gemeente = e.gemeente
  join perioden pe
    on e.begindatum <= pe.einddatum
    and coalesce(e.einddatum, date '9999-12-31') >= pe.begindatum
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, client_id from actief
  union all
  select gebied, periode, 'kader', soort, client_id from actief
),

geteld as (
  select gebied, periode, dimensie, dimensie_waarde, count(distinct client_id) as aantal
  from per_dimensie
  group by all
),

raster as (
  select distinct g.gebied, p.periode, d.dimensie, d.dimensie_waarde
  from gebieden g
  cross join perioden p
  cross join (
    values
      ('totaal', 'totaal'),
      ('kader', 'jeugdreclassering'),
      ('kader', 'jeugdbescherming'),
      ('kader', 'preventief_justitieel')
  ) d(dimensie, dimensie_waarde)
),

final as (
  select
    r.gebied as gemeente, r.periode, 'jeugdigen_justitieel' as indicator, r.dimensie, r.dimensie_waarde,
    null::bigint as teller, null::bigint as noemer, coalesce(t.aantal, 0)::double as waarde,
    null::double as ci_laag, null::double as ci_hoog
  from raster r
  left join geteld t using (gebied, periode, dimensie, dimensie_waarde)
)

select * from final
