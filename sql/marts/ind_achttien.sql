-- @table Indicator 15, 18-/18+ (indicators.md §2): van de jeugdigen die 18 werden tijdens een actief
--   jeugdhulptraject (18e verjaardag in de periode) het aandeel van wie een traject doorliep na 18 of
--   eindigde met reden 39 (uitstroom naar ander domein). Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator achttien_doorloop
-- @column dimensie totaal
-- @column dimensie_waarde totaal
-- @column teller Jeugdigen van wie een traject doorliep na de maand waarin ze 18 werden, of eindigde
--   met reden 39
-- @column noemer Jeugdigen die in de periode 18 werden met een traject dat liep op hun 18e verjaardag
-- @column waarde Aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
--
-- Only the birth month is known, so the 18th birthday is taken as the first of that month, and care
-- "continued past 18" when the trajectory ran beyond the end of that month (or is still open at the
-- peildatum): an end within the birthday month cannot be told apart from an end at 18.
with

actief as (select * from core.traject_perioden),
trajecten as (select traject_id, geboortejaar, geboortemaand from core.trajecten),
perioden as (select * from core.perioden),
peildatum as (select peildatum from core.peildatum),

met_verjaardag as (
  select a.*, make_date(t.geboortejaar + 18, t.geboortemaand, 1) as achttien
  from actief a
  join trajecten t using (traject_id)
  where t.geboortejaar is not null and t.geboortemaand between 1 and 12
),

rond_achttien as (
  select
    m.gebied, m.periode, m.client_id,
    m.einddatum is null or m.einddatum > last_day(m.achttien) or m.reden_beeindiging = '39' as doorgelopen
  from met_verjaardag m
  join perioden pe using (periode)
  cross join peildatum p
  where m.achttien between pe.begindatum and pe.einddatum
    and m.achttien <= p.peildatum
    and m.begindatum <= m.achttien
    and coalesce(m.einddatum, date '9999-12-31') >= m.achttien
),

jeugdigen as (
  select gebied, periode, client_id, bool_or(doorgelopen) as doorgelopen
  from rond_achttien
  group by all
),

geteld as (
  select gebied, periode, count(*) filter (where doorgelopen) as teller, count(*) as noemer
  from jeugdigen
  group by all
),

final as (
  select
    gebied as gemeente, periode, 'achttien_doorloop' as indicator, 'totaal' as dimensie,
    'totaal' as dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from geteld
  where noemer > 0
)

select * from final
