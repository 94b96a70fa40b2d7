-- @table Indicatoren verblijfsduur (indicators.md #10): per startcohort de Kaplan–Meier-mediaan met
--   95%-interval (Brookmeyer–Crowley op de log-log-band) en het aandeel nog in verblijf na 6, 12 en 24
--   maanden (183, 365 en 730 dagen); per jaar en halfjaar de CBS-vergelijkbare gemiddelde en mediane duur
--   van de verblijven die in de periode eindigden. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode (cohort: beginjaar) × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Bij de Kaplan–Meier-cijfers het beginjaar van het cohort; anders jaar of halfjaar
-- @column indicator Id van de indicator (indicators.md §4)
-- @column dimensie Altijd totaal
-- @column dimensie_waarde Altijd totaal
-- @column teller Altijd leeg: geen van deze cijfers is een telling van een aandeel
-- @column noemer Aantal verblijven: de cohortgrootte bij Kaplan–Meier, het aantal beeindigde verblijven
--   bij de gemiddelde en mediane duur
-- @column waarde Dagen (mediaan, gemiddelde) of aandeel nog in verblijf (0-1)
-- @column ci_laag Ondergrens 95%-interval (Kaplan–Meier); leeg bij de naieve duur
-- @column ci_hoog Bovengrens 95%-interval (Kaplan–Meier); leeg bij de naieve duur, en bij de mediaan
--   wanneer de bovenste band 0,5 binnen de gevolgde tijd niet bereikt (interval naar boven open)
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, noemer, waarde
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test accepted_values indicator: verblijfsduur_km_mediaan, nog_in_verblijf_6m, nog_in_verblijf_12m,
--   nog_in_verblijf_24m, verblijfsduur_beeindigd_gemiddeld, verblijfsduur_beeindigd_mediaan

-- The median's interval is the Brookmeyer–Crowley set {t : 0.5 lies in the 95% band of S(t)}, with the
-- band on the log-log scale (km_loglog_*): it starts on the first day the lower band reaches 0.5 and ends
-- on the first day the upper band does. Comparisons carry the 1e-9 tolerance of indicators.md §1.

with

curve as (
  select * from marts.verblijfsduur_curve
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

mijlpalen as (
  select * from (values ('nog_in_verblijf_6m', 183), ('nog_in_verblijf_12m', 365), ('nog_in_verblijf_24m', 730))
    as m(indicator, dag)
),

cohorten as (
  select
    gemeente,
    cohort,
    max(at_risk) as cohortgrootte,
    max(dag) as laatste_dag,
    min(dag) filter (where overleving <= 0.5 + 1e-9) as mediaan,
    min(dag) filter (where ci_laag <= 0.5 + 1e-9) as mediaan_laag,
    min(dag) filter (where ci_hoog <= 0.5 + 1e-9) as mediaan_hoog
  from curve
  group by gemeente, cohort
),

km_mediaan as (
  select
    gemeente, cohort as periode, 'verblijfsduur_km_mediaan' as indicator, 'totaal' as dimensie,
    'totaal' as dimensie_waarde, null::bigint as teller, cohortgrootte::bigint as noemer,
    mediaan::double as waarde, mediaan_laag::double as ci_laag, mediaan_hoog::double as ci_hoog
  from cohorten
  where mediaan is not null
),

-- S at a milestone is the value of the last step on or before it. Only a cohort with a stay observed
-- for at least that long (ended or still running) gets a row: before that nobody in it was followed so
-- far, even if every stay has already ended. The region, holding every stay, then always has the row too.
nog_in_verblijf as (
  select
    c.gemeente, c.cohort, m.indicator, k.cohortgrootte,
    arg_max(c.overleving, c.dag) as overleving,
    arg_max(c.ci_laag, c.dag) as ci_laag,
    arg_max(c.ci_hoog, c.dag) as ci_hoog
  from curve c
  cross join mijlpalen m
  join cohorten k on k.gemeente = c.gemeente and k.cohort = c.cohort
  where c.dag <= m.dag and k.laatste_dag >= m.dag
  group by c.gemeente, c.cohort, m.indicator, k.cohortgrootte
),

km_aandelen as (
  select
    gemeente, cohort, indicator, 'totaal', 'totaal', null::bigint, cohortgrootte::bigint,
    overleving, ci_laag, ci_hoog
  from nog_in_verblijf
),

beeindigd_per_gebied as (
  select g.gebied as gemeente, p.periode, e.duur_dagen
  from verblijfsepisodes e
  join gebieden g on g.gemeente = e.gemeente
  join perioden p on e.einddatum between p.begindatum and p.einddatum
  where not e.is_open
),

naief as (
  select gemeente, periode, count(*) as aantal, avg(duur_dagen) as gemiddeld, median(duur_dagen) as mediaan
  from beeindigd_per_gebied
  group by gemeente, periode
),

naief_gemiddeld as (
  select
    gemeente, periode, 'verblijfsduur_beeindigd_gemiddeld', 'totaal', 'totaal', null::bigint,
    aantal::bigint, gemiddeld::double, null::double, null::double
  from naief
),

naief_mediaan as (
  select
    gemeente, periode, 'verblijfsduur_beeindigd_mediaan', 'totaal', 'totaal', null::bigint,
    aantal::bigint, mediaan::double, null::double, null::double
  from naief
),

final as (
  select * from km_mediaan
  union all select * from km_aandelen
  union all select * from naief_gemiddeld
  union all select * from naief_mediaan
)

select * from final
