-- @table Welke gemeenten bij een rapportagegebied horen: elke gemeente is haar eigen gebied, en de regio
--   IJsselland omvat alle elf. Indicatoren tellen per gebied over de gegevens van zijn gemeenten, zodat
--   regiocijfers gepoold zijn (indicators.md §1 Region) en nooit een gemiddelde van gemeenten.
-- @grain one row per gebied × gemeente it includes
-- @column gebied CBS-code van de gemeente, of IJsselland voor de regio
-- @column gemeente CBS-code van een gemeente in het gebied
-- @test unique: gebied, gemeente
-- @test not_null: gebied, gemeente
with

gemeenten as (select cbs_code from ref.gemeenten),

final as (
  select cbs_code as gebied, cbs_code as gemeente from gemeenten
  union all
  select 'IJsselland', cbs_code from gemeenten
)

select * from final
