-- @table Indicatoren uithuisplaatsingen (indicators.md #8 en #9): uithuisgeplaatst (ook per verblijfstype),
--   uithuisgeplaatst_per_1000, uithuisgeplaatst_aandeel, nieuwe_uithuisplaatsingen (ook per eerste
--   verblijfstype) en kleinschalig_gezinsgericht. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator Id van de indicator (indicators.md §4)
-- @column dimensie totaal of verblijfstype
-- @column dimensie_waarde totaal, of de hulpvorm 11-14 bij dimensie verblijfstype
-- @column teller Teller van een aandeel, of het aantal uithuisgeplaatste jeugdigen bij
--   uithuisgeplaatst_per_1000; leeg bij aantallen
-- @column noemer Noemer van een aandeel, of de bevolking 0-22 jaar bij uithuisgeplaatst_per_1000 (dezelfde
--   als bij jeugdigen_per_1000); leeg bij aantallen
-- @column waarde Aantal, aantal per 1.000 jeugdigen of aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval (alleen aandelen)
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval (alleen aandelen)
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test accepted_values dimensie: totaal, verblijfstype

-- Counted per gebied (core.gebieden): a client placed from two gemeenten counts once in the region,
-- shares are pooled, episode counts add up. A client counts as kleinschalig gezinsgericht when any of
-- their stays active in the period is pleegzorg (11) or gezinsgericht (12), the same way a client counts
-- under every verblijfstype they had.

with

actief as (
  select * from core.traject_perioden
),

verblijfsepisodes as (
  select * from core.verblijfsepisodes
),

perioden as (
  select * from core.perioden
),

gebieden as (
  select * from core.gebieden
),

-- The same population as jeugdigen_per_1000, so the two rates share their denominator.
inwoners as (
  select gemeente as gebied, periode, noemer as inwoners_0_22
  from marts.ind_jeugdigen
  where indicator = 'jeugdigen_per_1000' and dimensie = 'totaal'
),

verblijfstypen as (
  select hulpvorm from ref.hulpvormen where met_verblijf
),

raster as (
  select distinct g.gebied, p.periode
  from gebieden g
  cross join perioden p
),

clienten as (
  select
    gebied,
    periode,
    count(distinct client_id) as met_jeugdhulp,
    count(distinct client_id) filter (where met_verblijf) as met_verblijf,
    count(distinct client_id) filter (where hulpvorm in ('11', '12')) as kleinschalig
  from actief
  group by gebied, periode
),

clienten_per_type as (
  select gebied, periode, hulpvorm, count(distinct client_id) as met_verblijf
  from actief
  where met_verblijf
  group by gebied, periode, hulpvorm
),

gestart as (
  select g.gebied, p.periode, e.eerste_hulpvorm
  from verblijfsepisodes e
  join gebieden g on g.gemeente = e.gemeente
  join perioden p on e.begindatum between p.begindatum and p.einddatum
),

uithuisgeplaatst as (
  select
    r.gebied as gemeente, r.periode, 'uithuisgeplaatst' as indicator, 'totaal' as dimensie,
    'totaal' as dimensie_waarde, null::bigint as teller, null::bigint as noemer,
    coalesce(c.met_verblijf, 0)::double as waarde, null::double as ci_laag, null::double as ci_hoog
  from raster r
  left join clienten c using (gebied, periode)
),

uithuisgeplaatst_per_type as (
  select
    r.gebied, r.periode, 'uithuisgeplaatst', 'verblijfstype', v.hulpvorm,
    null::bigint, null::bigint, coalesce(c.met_verblijf, 0)::double, null::double, null::double
  from raster r
  cross join verblijfstypen v
  left join clienten_per_type c on c.gebied = r.gebied and c.periode = r.periode and c.hulpvorm = v.hulpvorm
),

per_1000 as (
  select
    r.gebied, r.periode, 'uithuisgeplaatst_per_1000', 'totaal', 'totaal',
    coalesce(c.met_verblijf, 0)::bigint, i.inwoners_0_22::bigint,
    1000.0 * coalesce(c.met_verblijf, 0) / i.inwoners_0_22, null::double, null::double
  from raster r
  join inwoners i using (gebied, periode)
  left join clienten c using (gebied, periode)
  where i.inwoners_0_22 > 0
),

aandeel as (
  select
    gebied, periode, 'uithuisgeplaatst_aandeel', 'totaal', 'totaal',
    met_verblijf, met_jeugdhulp, met_verblijf / met_jeugdhulp,
    wilson_laag(met_verblijf, met_jeugdhulp), wilson_hoog(met_verblijf, met_jeugdhulp)
  from clienten
  where met_jeugdhulp > 0
),

kleinschalig_gezinsgericht as (
  select
    gebied, periode, 'kleinschalig_gezinsgericht', 'totaal', 'totaal',
    kleinschalig, met_verblijf, kleinschalig / met_verblijf,
    wilson_laag(kleinschalig, met_verblijf), wilson_hoog(kleinschalig, met_verblijf)
  from clienten
  where met_verblijf > 0
),

nieuwe_uithuisplaatsingen as (
  select
    r.gebied, r.periode, 'nieuwe_uithuisplaatsingen', 'totaal', 'totaal',
    null::bigint, null::bigint, count(g.periode)::double, null::double, null::double
  from raster r
  left join gestart g on g.gebied = r.gebied and g.periode = r.periode
  group by r.gebied, r.periode
),

nieuwe_per_type as (
  select
    r.gebied, r.periode, 'nieuwe_uithuisplaatsingen', 'verblijfstype', v.hulpvorm,
    null::bigint, null::bigint, count(g.periode)::double, null::double, null::double
  from raster r
  cross join verblijfstypen v
  left join gestart g on g.gebied = r.gebied and g.periode = r.periode and g.eerste_hulpvorm = v.hulpvorm
  group by r.gebied, r.periode, v.hulpvorm
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
