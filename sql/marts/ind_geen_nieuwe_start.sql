-- @table Indicator 7, geen nieuwe start (indicators.md §2, CBS outcomecriterium 3.2): van de trajecten die
--   in de periode eindigden (niet door overlijden, reden 02) het aandeel waarna de jeugdige binnen 183
--   dagen na het einde in geen enkele gemeente een nieuw jeugdhulptraject start. Een traject dat op of
--   voor het einde begon, is geen nieuwe start. Een einde telt pas mee als einde + 183 dagen op of voor
--   de peildatum ligt. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator geen_nieuwe_start
-- @column dimensie totaal, hulpvorm of aanbieder
-- @column dimensie_waarde totaal, de hulpvorm of de AGB-code van de aanbieder
-- @column teller Beëindigde trajecten zonder nieuwe start binnen 183 dagen
-- @column noemer Beëindigde trajecten (reden niet 02) met einde + 183 dagen ≤ peildatum
-- @column waarde Aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
with

actief as (select * from core.traject_perioden),
trajecten as (select * from core.trajecten),
peildatum as (select peildatum from core.peildatum),

beeindigd as (
  select a.*
  from actief a
  cross join peildatum p
  where a.is_beeindigd
    and coalesce(a.reden_beeindiging, '') <> '02'
    and a.einddatum + 183 <= p.peildatum
),

-- Any gemeente: the client's trajectories are looked up across the whole region.
beoordeeld as (
  select
    b.*,
    not exists (
      select 1 from trajecten n
      where n.client_id = b.client_id
        and n.begindatum > b.einddatum
        and n.begindatum <= b.einddatum + 183
    ) as zonder_nieuwe_start
  from beeindigd b
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, zonder_nieuwe_start from beoordeeld
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, zonder_nieuwe_start from beoordeeld
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, zonder_nieuwe_start from beoordeeld
),

geteld as (
  select gebied, periode, dimensie, dimensie_waarde,
         count(*) filter (where zonder_nieuwe_start) as teller, count(*) as noemer
  from per_dimensie
  group by all
),

final as (
  select
    gebied as gemeente, periode, 'geen_nieuwe_start' as indicator, dimensie, dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from geteld
  where noemer > 0
)

select * from final
