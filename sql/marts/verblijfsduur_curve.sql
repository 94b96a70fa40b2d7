-- @table Kaplan–Meier-overlevingscurve van verblijfsepisodes per startcohort (indicators.md #10): het deel
--   van de verblijven van een cohort dat na zoveel dagen nog loopt. Open verblijven tellen tot de
--   peildatum mee als 'at risk' en zijn daar gecensureerd, niet beeindigd. Voor de rapporten om te tekenen.
-- @grain one row per gemeente (of IJsselland) × cohort × dag waarop een verblijf eindigt of gecensureerd
--   wordt (plus dag 0)
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio (alle verblijven samen)
-- @column cohort Beginjaar van de verblijfsepisodes, bv. 2024
-- @column dag Verblijfsduur in dagen sinds de start
-- @column overleving Kaplan–Meier-schatting S(dag): aandeel nog in verblijf na dag dagen
-- @column se_greenwood Standaardfout van S(dag) volgens Greenwood
-- @column ci_laag Ondergrens 95%-interval van S(dag), op de log-log-schaal
-- @column ci_hoog Bovengrens 95%-interval van S(dag), op de log-log-schaal
-- @column at_risk Aantal verblijven dat op dag dag nog liep (duur >= dag)
-- @column events Aantal verblijven dat op dag dag eindigde
-- @column censored Aantal open verblijven waarvan de peildatum op dag dag viel
-- @test not_null: gemeente, cohort, dag, overleving, se_greenwood, ci_laag, ci_hoog, at_risk, events, censored
-- @test unique: gemeente, cohort, dag

-- S(t) = Π over event days u ≤ t of (1 − d_u / n_u), with n_u the stays still running at the start of
-- day u: a stay censored on day u is still at risk on u (the usual convention: events before censoring).

with

verblijfsepisodes as (
  select * from core.verblijfsepisodes
),

cohorten as (
  select periode as cohort from core.perioden where soort = 'jaar'
),

gebieden as (
  select * from core.gebieden
),

episodes as (
  select e.gemeente, year(e.begindatum)::varchar as cohort, e.duur_dagen as dag, not e.is_open as beeindigd
  from verblijfsepisodes e
  where year(e.begindatum)::varchar in (select cohort from cohorten)
),

per_gebied as (
  select g.gebied as gemeente, e.cohort, e.dag, e.beeindigd
  from episodes e
  join gebieden g on g.gemeente = e.gemeente
),

-- Day 0 is always a row, so every curve starts at the full cohort.
tijden as (
  select gemeente, cohort, dag, count(*) filter (where beeindigd) as events, count(*) filter (where not beeindigd) as censored
  from per_gebied
  group by gemeente, cohort, dag
  union all
  select distinct gemeente, cohort, 0, 0, 0 from per_gebied
),

per_dag as (
  select gemeente, cohort, dag, sum(events)::bigint as events, sum(censored)::bigint as censored
  from tijden
  group by gemeente, cohort, dag
),

met_risico as (
  select
    *,
    sum(events + censored) over (
      partition by gemeente, cohort order by dag desc rows unbounded preceding
    )::bigint as at_risk
  from per_dag
),

-- Greenwood's term is infinite once every stay at risk has ended; S is 0 from there on, and so is its
-- variance, so the term is left out.
stappen as (
  select
    *,
    product(1 - events / at_risk) over verloop as overleving,
    sum(case when at_risk > events then events / (at_risk * (at_risk - events)) else 0 end) over verloop
      as greenwood_som
  from met_risico
  window verloop as (partition by gemeente, cohort order by dag rows unbounded preceding)
),

final as (
  select
    gemeente,
    cohort,
    dag::integer as dag,
    overleving,
    overleving * sqrt(greenwood_som) as se_greenwood,
    km_loglog_laag(overleving, greenwood_som) as ci_laag,
    km_loglog_hoog(overleving, greenwood_som) as ci_hoog,
    at_risk,
    events,
    censored
  from stappen
)

select * from final
