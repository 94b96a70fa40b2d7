-- @table Indicatoren 5 en 6, tevredenheid en zonder hulp verder (indicators.md §2, CBS outcomecriteria 2
--   en 3.1), per informant, over uitkomstmetingen gekoppeld aan trajecten die in de periode eindigden:
--   het gemiddelde rapportcijfer, het aandeel met een 7 of hoger, en het aandeel 03 of 04 onder de
--   metingen met zonder_hulp_verder ingevuld. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator tevredenheid_gemiddeld, tevredenheid_7_of_hoger of zonder_hulp_verder
-- @column dimensie informant
-- @column dimensie_waarde J (jeugdige) of O (ouder/opvoeder)
-- @column teller Metingen met een 7 of hoger, of met 03 of 04; leeg bij het gemiddelde
-- @column noemer Metingen met het veld ingevuld (bij het gemiddelde: het aantal cijfers)
-- @column waarde Gemiddeld rapportcijfer (1-10) of aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval (alleen aandelen)
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval (alleen aandelen)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, noemer, waarde
-- @test accepted_values dimensie: informant
--
-- Only per informant: the jeugdige and the parent answer different questions about the same help,
-- so a mix of the two would depend on who happened to respond.
with

actief as (select * from core.traject_perioden where is_beeindigd),
uitkomsten as (select * from core.uitkomsten),

metingen as (
  select a.gebied, a.periode, u.informant, u.tevredenheid, u.zonder_hulp_verder
  from actief a
  join uitkomsten u using (traject_id)
),

geteld as (
  select
    gebied, periode, informant,
    avg(tevredenheid) as tevredenheid_gemiddeld,
    count(tevredenheid) as tevredenheid_n,
    count(*) filter (where tevredenheid >= 7) as tevredenheid_7,
    count(zonder_hulp_verder) as zonder_hulp_n,
    count(*) filter (where zonder_hulp_verder in ('03', '04')) as zonder_hulp_teller
  from metingen
  group by all
),

alle as (
  select gebied, periode, 'tevredenheid_gemiddeld' as indicator, informant,
         null::bigint as teller, tevredenheid_n as noemer, tevredenheid_gemiddeld as waarde, false as is_aandeel
  from geteld
  union all
  select gebied, periode, 'tevredenheid_7_of_hoger', informant,
         tevredenheid_7, tevredenheid_n, tevredenheid_7 / tevredenheid_n, true
  from geteld where tevredenheid_n > 0
  union all
  select gebied, periode, 'zonder_hulp_verder', informant,
         zonder_hulp_teller, zonder_hulp_n, zonder_hulp_teller / zonder_hulp_n, true
  from geteld where zonder_hulp_n > 0
),

final as (
  select
    gebied as gemeente, periode, indicator, 'informant' as dimensie, informant as dimensie_waarde,
    teller, noemer, waarde,
    case when is_aandeel then wilson_laag(teller, noemer) end as ci_laag,
    case when is_aandeel then wilson_hoog(teller, noemer) end as ci_hoog
  from alle
  where noemer > 0
)

select * from final
