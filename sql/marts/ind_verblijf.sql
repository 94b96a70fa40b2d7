-- @table Indicatoren uithuisplaatsingen (indicators.md #8 en #9): uithuisgeplaatst (ook per verblijfstype),
--   uithuisgeplaatst_per_1000, uithuisgeplaatst_aandeel, nieuwe_uithuisplaatsingen (ook per eerste
--   verblijfstype) en kleinschalig_gezinsgericht. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator Id van de indicator (indicators.md §4)
-- @column dimensie totaal of verblijfstype
-- @column dimensie_waarde totaal, of de hulpvorm 11-14 bij dimensie verblijfstype
-- @column teller Teller van een aandeel; leeg bij aantallen en cijfers per 1.000
-- @column noemer Noemer van een aandeel, of de bevolking 0-22 jaar bij uithuisgeplaatst_per_1000; leeg bij aantallen
-- @column waarde Aantal, aantal per 1.000 jeugdigen of aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval (alleen aandelen)
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval (alleen aandelen)
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test accepted_values dimensie: totaal, verblijfstype

-- The region is its own gebied over all rows: clients are counted distinct in the region (a client
-- placed from two gemeenten counts once), shares are pooled, episode counts add up.

with

trajecten as (
  select * from core.trajecten
),

verblijfsepisodes as (
  select * from core.verblijfsepisodes
),

perioden as (
  select * from core.perioden
),

bevolking as (
  select * from ref.bevolking
),

verblijfstypen as (
  select hulpvorm from ref.hulpvormen where met_verblijf
),

gebieden as (
  select cbs_code as gemeente from ref.gemeenten
  union all
  select 'IJsselland'
),

raster as (
  select g.gemeente, p.periode, p.begindatum, p.einddatum
  from gebieden g
  cross join perioden p
),

actief as (
  select p.periode, t.gemeente, t.client_id, t.hulpvorm, t.met_verblijf
  from trajecten t
  join perioden p
    on t.begindatum <= p.einddatum and (t.einddatum is null or t.einddatum >= p.begindatum)
),

actief_per_gebied as (
  select gemeente, periode, client_id, hulpvorm, met_verblijf from actief
  union all
  select 'IJsselland', periode, client_id, hulpvorm, met_verblijf from actief
),

clienten as (
  select
    gemeente,
    periode,
    count(distinct client_id) as met_jeugdhulp,
    count(distinct client_id) filter (where met_verblijf) as met_verblijf,
    count(distinct client_id) filter (where hulpvorm in ('11', '12')) as kleinschalig
  from actief_per_gebied
  group by gemeente, periode
),

clienten_per_type as (
  select gemeente, periode, hulpvorm, count(distinct client_id) as met_verblijf
  from actief_per_gebied
  where met_verblijf
  group by gemeente, periode, hulpvorm
),

gestart as (
  select p.periode, e.gemeente, e.eerste_hulpvorm
  from verblijfsepisodes e
  join perioden p on e.begindatum between p.begindatum and p.einddatum
),

gestart_per_gebied as (
  select gemeente, periode, eerste_hulpvorm from gestart
  union all
  select 'IJsselland', periode, eerste_hulpvorm from gestart
),

-- Half-years take the population of their year (stand per 1 januari), the region the sum of its gemeenten.
jeugdigen as (
  select b.gemeente, b.jaar, b.leeftijd_0_17 + b.leeftijd_18_22 as aantal from bevolking b
  union all
  select 'IJsselland', b.jaar, sum(b.leeftijd_0_17 + b.leeftijd_18_22)
  from bevolking b
  where b.gemeente in (select cbs_code from ref.gemeenten)
  group by b.jaar
),

uithuisgeplaatst as (
  select
    r.gemeente, r.periode, 'uithuisgeplaatst' as indicator, 'totaal' as dimensie, 'totaal' as dimensie_waarde,
    null::bigint as teller, null::bigint as noemer, coalesce(c.met_verblijf, 0)::double as waarde,
    null::double as ci_laag, null::double as ci_hoog
  from raster r
  left join clienten c using (gemeente, periode)
),

uithuisgeplaatst_per_type as (
  select
    r.gemeente, r.periode, 'uithuisgeplaatst', 'verblijfstype', v.hulpvorm,
    null::bigint, null::bigint, coalesce(c.met_verblijf, 0)::double, null::double, null::double
  from raster r
  cross join verblijfstypen v
  left join clienten_per_type c on c.gemeente = r.gemeente and c.periode = r.periode and c.hulpvorm = v.hulpvorm
),

per_1000 as (
  select
    r.gemeente, r.periode, 'uithuisgeplaatst_per_1000', 'totaal', 'totaal',
    null::bigint, j.aantal::bigint, 1000.0 * coalesce(c.met_verblijf, 0) / j.aantal, null::double, null::double
  from raster r
  join jeugdigen j on j.gemeente = r.gemeente and j.jaar = year(r.begindatum)
  left join clienten c on c.gemeente = r.gemeente and c.periode = r.periode
  where j.aantal > 0
),

aandeel as (
  select
    gemeente, periode, 'uithuisgeplaatst_aandeel', 'totaal', 'totaal',
    met_verblijf, met_jeugdhulp, met_verblijf / met_jeugdhulp,
    wilson_laag(met_verblijf, met_jeugdhulp), wilson_hoog(met_verblijf, met_jeugdhulp)
  from clienten
  where met_jeugdhulp > 0
),

kleinschalig_gezinsgericht as (
  select
    gemeente, periode, 'kleinschalig_gezinsgericht', 'totaal', 'totaal',
    kleinschalig, met_verblijf, kleinschalig / met_verblijf,
    wilson_laag(kleinschalig, met_verblijf), wilson_hoog(kleinschalig, met_verblijf)
  from clienten
  where met_verblijf > 0
),

nieuwe_uithuisplaatsingen as (
  select
    r.gemeente, r.periode, 'nieuwe_uithuisplaatsingen', 'totaal', 'totaal',
    null::bigint, null::bigint, count(g.periode)::double, null::double, null::double
  from raster r
  left join gestart_per_gebied g on g.gemeente = r.gemeente and g.periode = r.periode
  group by r.gemeente, r.periode
),

nieuwe_per_type as (
  select
    r.gemeente, r.periode, 'nieuwe_uithuisplaatsingen', 'verblijfstype', v.hulpvorm,
    null::bigint, null::bigint, count(g.periode)::double, null::double, null::double
  from raster r
  cross join verblijfstypen v
  left join gestart_per_gebied g
    on g.gemeente = r.gemeente and g.periode = r.periode and g.eerste_hulpvorm = v.hulpvorm
  group by r.gemeente, r.periode, v.hulpvorm
),

final as (
  select * from uithuisgeplaatst
  union all select * from uithuisgeplaatst_per_type
  union all select * from per_1000
  union all select * from aandeel
  union all select * from kleinschalig_gezinsgericht
  union all select * from nieuwe_uithuisplaatsingen
  union all select * from nieuwe_per_type
)

select * from final
