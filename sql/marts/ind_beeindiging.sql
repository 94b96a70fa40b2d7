-- @table Indicator 3, uitval, voortijdig en volgens plan (indicators.md §2, CBS outcomecriterium 1): van de
--   in de periode beëindigde trajecten met reden 31-35, 38 of 39 het aandeel met reden 32 of 33 (uitval),
--   32-35 (voortijdig) en 31 of 39 (volgens plan). Einden met reden 02, 20, 36, 37 of zonder reden tellen
--   in geen van beide mee. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator uitval, voortijdig of volgens_plan
-- @column dimensie totaal, hulpvorm of aanbieder
-- @column dimensie_waarde totaal, de hulpvorm of de AGB-code van de aanbieder
-- @column teller Beëindigde trajecten met een reden van de indicator
-- @column noemer Beëindigde trajecten met reden 31, 32, 33, 34, 35, 38 of 39
-- @column waarde Aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
--
-- Reden 20 without a restart ends a trajectory but is not one of the reasons of the denominator: like
-- 36 and 37 it says nothing about how the care went, so it is left out as administratief.
with

actief as (select * from core.traject_perioden),

beeindigd as (
  select * from actief
  where is_beeindigd and reden_beeindiging in ('31', '32', '33', '34', '35', '38', '39')
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, reden_beeindiging from beeindigd
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, reden_beeindiging from beeindigd
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, reden_beeindiging from beeindigd
),

geteld as (
  select
    gebied, periode, dimensie, dimensie_waarde,
    count(*) as noemer,
    count(*) filter (where reden_beeindiging in ('32', '33')) as uitval,
    count(*) filter (where reden_beeindiging in ('32', '33', '34', '35')) as voortijdig,
    count(*) filter (where reden_beeindiging in ('31', '39')) as volgens_plan
  from per_dimensie
  group by all
),

final as (
  select
    gebied as gemeente, periode, indicator, dimensie, dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from geteld
  unpivot (teller for indicator in (uitval, voortijdig, volgens_plan))
  where noemer > 0
)

select * from final
