-- @table Indicator 4, doelrealisatie (indicators.md §2): van de uitkomstmetingen met doelrealisatie
--   ingevuld, gekoppeld aan trajecten die in de periode eindigden (elke meting telt), het aandeel 1
--   (volledig) en 1 of 2 (volledig of gedeeltelijk); en de respons: beëindigde trajecten met minstens één
--   zulke meting gedeeld door alle beëindigde trajecten. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator doelrealisatie_volledig, doelrealisatie_volledig_of_gedeeltelijk of doelrealisatie_respons
-- @column dimensie totaal, informant (niet bij respons), hulpvorm of aanbieder
-- @column dimensie_waarde totaal, J of O, de hulpvorm of de AGB-code van de aanbieder
-- @column teller Metingen met doelrealisatie 1 (of 1 of 2); bij respons trajecten met een meting
-- @column noemer Metingen met doelrealisatie ingevuld; bij respons beëindigde trajecten
-- @column waarde Aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
with

actief as (select * from core.traject_perioden),
uitkomsten as (select * from core.uitkomsten where doelrealisatie is not null),

beeindigd as (select * from actief where is_beeindigd),

metingen as (
  select b.gebied, b.periode, b.hulpvorm, b.aanbieder_agb, u.informant, u.doelrealisatie
  from beeindigd b
  join uitkomsten u using (traject_id)
),

metingen_per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, doelrealisatie from metingen
  union all
  select gebied, periode, 'informant', informant, doelrealisatie from metingen
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, doelrealisatie from metingen
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, doelrealisatie from metingen
),

aandelen as (
  select
    gebied, periode, dimensie, dimensie_waarde,
    count(*) filter (where doelrealisatie = '1') as doelrealisatie_volledig,
    count(*) filter (where doelrealisatie in ('1', '2')) as doelrealisatie_volledig_of_gedeeltelijk,
    count(*) as noemer
  from metingen_per_dimensie
  group by all
),

respons_trajecten as (
  select
    b.gebied, b.periode, b.hulpvorm, b.aanbieder_agb,
    exists (select 1 from uitkomsten u where u.traject_id = b.traject_id) as met_meting
  from beeindigd b
),

respons_per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, met_meting from respons_trajecten
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, met_meting from respons_trajecten
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, met_meting from respons_trajecten
),

respons as (
  select
    gebied, periode, 'doelrealisatie_respons' as indicator, dimensie, dimensie_waarde,
    count(*) filter (where met_meting) as teller, count(*) as noemer
  from respons_per_dimensie
  group by all
),

alle as (
  select gebied, periode, indicator, dimensie, dimensie_waarde, teller, noemer
  from aandelen
  unpivot (teller for indicator in (doelrealisatie_volledig, doelrealisatie_volledig_of_gedeeltelijk))
  union all
  select * from respons
),

final as (
  select
    gebied as gemeente, periode, indicator, dimensie, dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from alle
  where noemer > 0
)

select * from final
