-- @table Plaats van elke gemeente in de funnelplot van elk aandeel: binnen, boven of onder de
--   95%-controlegrenzen rond het regionale aandeel bij haar eigen noemer, en of ze buiten de 99,8%-grenzen
--   valt (indicators.md §2).
-- @grain one row per indicator × periode × dimensie × dimensie_waarde × gemeente
-- @column indicator Id van het aandeel (indicators.md §4)
-- @column periode Jaar, halfjaar of cohortjaar, als in marts.indicator_values
-- @column dimensie Dimensie van het aandeel, als in marts.funnel_limits
-- @column dimensie_waarde Waarde van de dimensie
-- @column gemeente CBS-code van de gemeente
-- @column teller Teller van het aandeel van de gemeente
-- @column noemer Noemer van het aandeel van de gemeente
-- @column waarde Aandeel van de gemeente (0-1)
-- @column regio_waarde Aandeel van IJsselland
-- @column positie binnen, boven of onder de 95%-grenzen (op de grens telt als binnen)
-- @column buiten_998 true als het aandeel buiten de 99,8%-grenzen ligt
-- @test not_null: indicator, periode, dimensie, dimensie_waarde, gemeente, teller, noemer, waarde, positie, buiten_998
-- @test unique: indicator, periode, dimensie, dimensie_waarde, gemeente
-- @test accepted_values positie: binnen, boven, onder

with

indicatoren as (
  select * from marts.indicator_values
),

grenzen as (
  select * from marts.funnel_limits
),

gemeenten as (
  select *
  from indicatoren
  where gemeente <> 'IJsselland' and teller is not null and noemer > 0 and abs(waarde - teller / noemer) < 1e-12
),

final as (
  select
    g.indicator,
    g.periode,
    g.dimensie,
    g.dimensie_waarde,
    g.gemeente,
    g.teller,
    g.noemer,
    g.waarde,
    l.regio_waarde,
    case when g.waarde > l.p95_hoog then 'boven' when g.waarde < l.p95_laag then 'onder' else 'binnen' end as positie,
    g.waarde > l.p998_hoog or g.waarde < l.p998_laag as buiten_998
  from gemeenten g
  join grenzen l
    on l.indicator = g.indicator and l.periode = g.periode and l.dimensie = g.dimensie
    and l.dimensie_waarde = g.dimensie_waarde and l.noemer = g.noemer
)

select * from final
