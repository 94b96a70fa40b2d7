-- @table Indicatoren kosten (indicators.md #14): kosten_gedeclareerd (JW323, debet min credit, in euro's),
--   kosten_per_jeugdige (gedeclareerd ÷ jeugdigen met jeugdhulp) en budgetbenutting (gedeclareerd ÷
--   toegewezen budget, voor toewijzingen met een budget), totaal en per hulpvorm. Eén van de families van
--   marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator Id van de indicator (indicators.md §4)
-- @column dimensie totaal of hulpvorm
-- @column dimensie_waarde totaal, of de CBS-hulpvorm (01-04, 11-14)
-- @column teller Altijd leeg: bedragen zijn geen tellingen
-- @column noemer Aantal jeugdigen met jeugdhulp (kosten_per_jeugdige), aantal toewijzingen met een budget
--   (budgetbenutting); leeg bij kosten_gedeclareerd
-- @column waarde Euro's (kosten_gedeclareerd, kosten_per_jeugdige) of verhouding gedeclareerd/budget
--   (budgetbenutting; boven 1 is meer gedeclareerd dan toegewezen)
-- @column ci_laag Altijd leeg
-- @column ci_hoog Altijd leeg
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, waarde
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test accepted_values indicator: kosten_gedeclareerd, kosten_per_jeugdige, budgetbenutting

-- A declaration belongs to the period holding its periode_begin (declarations cover at most a month),
-- and to the hulpvorm of its toewijzing; without a known toewijzing, to the hulpvorm of the declared
-- product or category. Only jeugdhulp counts: vervoer and the justitieel kader (47-49) are set apart.
-- A toewijzing's budget covers its whole span, so a period gets the share of the budget that its days
-- of that span make up (an open span runs to the peildatum).

with

declaraties as (
  select * from staging.declaraties
),

toewijzingen as (
  select * from core.toewijzingen
),

actief as (
  select * from core.traject_perioden
),

perioden as (
  select * from core.perioden
),

peildatum as (
  select peildatum from core.peildatum
),

hulpvormen as (
  select hulpvorm from ref.hulpvormen
),

gebieden as (
  select * from core.gebieden
),

raster as (
  select distinct g.gebied, p.periode
  from gebieden g
  cross join perioden p
),

bedragen as (
  select
    d.gemeente,
    d.toewijzingnummer,
    d.periode_begin,
    coalesce(t.hulpvorm, p.hulpvorm, c.hulpvorm) as hulpvorm,
    coalesce(t.soort, c.soort) as soort,
    t.budget_cent > 0 as met_budget,
    d.bedrag_cent
  from declaraties d
  left join toewijzingen t on t.gemeente = d.gemeente and t.toewijzingnummer = d.toewijzingnummer
  -- As core.toewijzingen: only a hulpvorm of jeugdhulp is taken from the product list.
  left join ref.producten p
    on p.productcode = d.productcode and p.hulpvorm in (select hulpvorm from ref.hulpvormen)
  left join ref.categorie_hulpvorm c on c.productcategorie = d.productcategorie
),

gedeclareerd as (
  select p.periode, b.gemeente, b.toewijzingnummer, b.hulpvorm, coalesce(b.met_budget, false) as met_budget, b.bedrag_cent
  from bedragen b
  join perioden p on b.periode_begin between p.begindatum and p.einddatum
  where b.soort = 'jeugdhulp'
),

kosten as (
  select g.gebied, d.periode, d.hulpvorm, sum(d.bedrag_cent) as bedrag_cent
  from gedeclareerd d
  join gebieden g on g.gemeente = d.gemeente
  group by grouping sets ((g.gebied, d.periode), (g.gebied, d.periode, d.hulpvorm))
),

jeugdigen as (
  select gebied, periode, hulpvorm, count(distinct client_id) as aantal
  from actief
  group by grouping sets ((gebied, periode), (gebied, periode, hulpvorm))
),

-- Rows for every gebied × periode, totaal and every hulpvorm (dimensie_waarde null = totaal here).
raster_dimensies as (
  select r.gebied, r.periode, null::varchar as hulpvorm from raster r
  union all
  select r.gebied, r.periode, h.hulpvorm from raster r cross join hulpvormen h
),

kosten_gedeclareerd as (
  select
    r.gebied as gemeente, r.periode, 'kosten_gedeclareerd' as indicator,
    case when r.hulpvorm is null then 'totaal' else 'hulpvorm' end as dimensie,
    coalesce(r.hulpvorm, 'totaal') as dimensie_waarde,
    null::bigint as teller, null::bigint as noemer, coalesce(k.bedrag_cent, 0) / 100.0 as waarde,
    null::double as ci_laag, null::double as ci_hoog
  from raster_dimensies r
  left join kosten k
    on k.gebied = r.gebied and k.periode = r.periode and k.hulpvorm is not distinct from r.hulpvorm
),

kosten_per_jeugdige as (
  select
    r.gebied, r.periode, 'kosten_per_jeugdige',
    case when r.hulpvorm is null then 'totaal' else 'hulpvorm' end,
    coalesce(r.hulpvorm, 'totaal'),
    null::bigint, j.aantal::bigint, coalesce(k.bedrag_cent, 0) / 100.0 / j.aantal, null::double, null::double
  from raster_dimensies r
  join jeugdigen j
    on j.gebied = r.gebied and j.periode = r.periode and j.hulpvorm is not distinct from r.hulpvorm
  left join kosten k
    on k.gebied = r.gebied and k.periode = r.periode and k.hulpvorm is not distinct from r.hulpvorm
  where j.aantal > 0
),

budget_toewijzingen as (
  select
    t.gemeente,
    t.toewijzingnummer,
    t.hulpvorm,
    t.budget_cent,
    t.ingangsdatum,
    coalesce(t.einddatum, pd.peildatum) as einde
  from toewijzingen t
  cross join peildatum pd
  where t.budget_cent > 0 and t.soort = 'jeugdhulp' and coalesce(t.einddatum, pd.peildatum) >= t.ingangsdatum
),

budget_per_periode as (
  select
    p.periode,
    b.gemeente,
    b.toewijzingnummer,
    b.hulpvorm,
    b.budget_cent
      * ((least(b.einde, p.einddatum) - greatest(b.ingangsdatum, p.begindatum)) + 1)
      / ((b.einde - b.ingangsdatum) + 1) as budget_cent
  from budget_toewijzingen b
  join perioden p on b.ingangsdatum <= p.einddatum and b.einde >= p.begindatum
),

gedeclareerd_op_budget as (
  select g.periode, g.gemeente, g.toewijzingnummer, sum(g.bedrag_cent) as bedrag_cent
  from gedeclareerd g
  where g.met_budget
  group by g.periode, g.gemeente, g.toewijzingnummer
),

benutting_per_toewijzing as (
  select b.gemeente, b.periode, b.hulpvorm, b.budget_cent, coalesce(g.bedrag_cent, 0) as bedrag_cent
  from budget_per_periode b
  left join gedeclareerd_op_budget g using (periode, gemeente, toewijzingnummer)
),

benutting as (
  select g.gebied, b.periode, b.hulpvorm, count(*) as toewijzingen, sum(b.budget_cent) as budget_cent,
    sum(b.bedrag_cent) as bedrag_cent
  from benutting_per_toewijzing b
  join gebieden g on g.gemeente = b.gemeente
  group by grouping sets ((g.gebied, b.periode), (g.gebied, b.periode, b.hulpvorm))
),

budgetbenutting as (
  select
    gebied, periode, 'budgetbenutting',
    case when hulpvorm is null then 'totaal' else 'hulpvorm' end,
    coalesce(hulpvorm, 'totaal'),
    null::bigint, toewijzingen::bigint, bedrag_cent / budget_cent, null::double, null::double
  from benutting
  where budget_cent > 0
),

final as (
  select * from kosten_gedeclareerd
  union all select * from kosten_per_jeugdige
  union all select * from budgetbenutting
)

select * from final
