-- @table Indicator 11, ambulantisering (indicators.md §2): van de jeugdigen met jeugdhulp in de periode het
--   aandeel dat in de periode geen jeugdhulp met verblijf had, en de verhouding van de in de periode
--   gestarte trajecten zonder verblijf tot die met verblijf. Eén van de families van
--   marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator ambulant_aandeel of ambulant_verhouding
-- @column dimensie totaal
-- @column dimensie_waarde totaal
-- @column teller Bij ambulant_aandeel de jeugdigen met jeugdhulp zonder actief traject met verblijf in de
--   periode; bij ambulant_verhouding de gestarte trajecten zonder verblijf
-- @column noemer Bij ambulant_aandeel de jeugdigen met een actief jeugdhulptraject in de periode; bij
--   ambulant_verhouding de gestarte trajecten met verblijf
-- @column waarde Aandeel (0-1), of trajecten zonder verblijf per traject met verblijf
-- @column ci_laag Ondergrens van het 95%-Wilson-interval; leeg bij de verhouding
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval; leeg bij de verhouding
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, teller, noemer, waarde
--
-- Clients are distinct within the gebied: in the region a client with ambulant help from one gemeente
-- and a stay from another had a stay. The ratio counts trajectories, which add up over the gemeenten;
-- it has a row only where a trajectory with stay started (a ratio to 0 is not a number).
with

actief as (select * from core.traject_perioden),

jeugdigen as (
  select gebied, periode, client_id, bool_or(met_verblijf) as had_verblijf
  from actief
  group by all
),

geteld as (
  select gebied, periode, count(*) filter (where not had_verblijf) as teller, count(*) as noemer
  from jeugdigen
  group by all
),

gestart as (
  select
    gebied, periode,
    count(*) filter (where not met_verblijf) as zonder_verblijf,
    count(*) filter (where met_verblijf) as met_verblijf
  from actief
  where is_gestart
  group by all
),

final as (
  select
    gebied as gemeente, periode, 'ambulant_aandeel' as indicator, 'totaal' as dimensie,
    'totaal' as dimensie_waarde,
    teller, noemer, teller / noemer as waarde,
    wilson_laag(teller, noemer) as ci_laag, wilson_hoog(teller, noemer) as ci_hoog
  from geteld
  where noemer > 0
  union all
  select
    gebied, periode, 'ambulant_verhouding', 'totaal', 'totaal',
    zonder_verblijf, met_verblijf, zonder_verblijf / met_verblijf,
    null, null
  from gestart
  where met_verblijf > 0
)

select * from final
