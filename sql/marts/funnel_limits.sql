-- @table Controlegrenzen voor funnelplots (indicators.md §2): per aandeel in marts.indicator_values de
--   regionale waarde en de 95%- en 99,8%-grenzen van de binomiale verdeling als functie van de noemer,
--   op een rooster van noemers tot 10% boven de grootste gemeente (plus de noemers van de gemeenten zelf).
--   Exacte binomiale kwantielen met de interpolatie van Spiegelhalter (2005), zodat de trechter glad is;
--   een grens ligt nooit aan de verkeerde kant van de regionale waarde (bij een heel kleine noemer).
-- @grain one row per indicator × periode × dimensie × dimensie_waarde × noemer
-- @column indicator Id van het aandeel (indicators.md §4)
-- @column periode Jaar, halfjaar of cohortjaar, als in marts.indicator_values
-- @column dimensie Dimensie van het aandeel: totaal (gemeenten worden op hun totaal vergeleken)
-- @column dimensie_waarde Waarde van de dimensie, als in marts.indicator_values
-- @column noemer Noemer n waarvoor de grenzen gelden
-- @column regio_waarde Het aandeel van IJsselland (gepoold): de middenlijn van de trechter
-- @column p95_laag Ondergrens 95% (2,5%-kwantiel van Binomiaal(n, regio_waarde) gedeeld door n)
-- @column p95_hoog Bovengrens 95% (97,5%-kwantiel)
-- @column p998_laag Ondergrens 99,8% (0,1%-kwantiel)
-- @column p998_hoog Bovengrens 99,8% (99,9%-kwantiel)
-- @test not_null: indicator, periode, dimensie, dimensie_waarde, noemer, regio_waarde, p95_laag, p95_hoog, p998_laag, p998_hoog
-- @test unique: indicator, periode, dimensie, dimensie_waarde, noemer

-- Spiegelhalter, Funnel plots for comparing institutional performance, Stat Med 2005;24:1185, appendix
-- A.1.1: with r the smallest count whose binomial CDF F(r) reaches the level q, the limit is (r − α)/n with
-- α = (F(r) − q) / (F(r) − F(r − 1)). That is the exact quantile, made continuous in n.

with

indicatoren as (
  select * from marts.indicator_values
),

-- A share is a row with teller and noemer whose waarde is teller ÷ noemer and which carries its Wilson
-- interval (rates per 1,000, means and the ratio ambulant_verhouding are not shares). Only dimensie
-- totaal: gemeenten are compared on their totals, and the exact limits cost a binomial distribution per
-- point of the grid, too much to repeat for every hulpvorm and provider.
aandelen as (
  select *
  from indicatoren
  where teller is not null and noemer > 0 and abs(waarde - teller / noemer) < 1e-12 and ci_laag is not null
    and dimensie = 'totaal'
),

regio as (
  select indicator, periode, dimensie, dimensie_waarde, teller / noemer as p
  from aandelen
  where gemeente = 'IJsselland'
),

gemeenten as (
  select indicator, periode, dimensie, dimensie_waarde, noemer
  from aandelen
  where gemeente <> 'IJsselland'
),

bovengrens as (
  select indicator, periode, dimensie, dimensie_waarde, ceil(1.1 * max(noemer))::bigint as n_max
  from gemeenten
  group by indicator, periode, dimensie, dimensie_waarde
),

-- Every n up to 20 (where the funnel bends most), then 50 steps evenly spaced on the log scale.
rooster as (
  select b.indicator, b.periode, b.dimensie, b.dimensie_waarde, n.n::bigint as n
  from bovengrens b, range(1, least(b.n_max, 20) + 1) as n(n)
  union
  select b.indicator, b.periode, b.dimensie, b.dimensie_waarde, round(exp(ln(20) + k.k * (ln(b.n_max) - ln(20)) / 50))::bigint
  from bovengrens b, range(0, 51) as k(k)
  where b.n_max > 20
  union
  select indicator, periode, dimensie, dimensie_waarde, noemer::bigint from gemeenten
),

punten as (
  select row_number() over (order by r.indicator, r.periode, r.dimensie, r.dimensie_waarde, r.n) as punt, r.*, g.p
  from rooster r
  join regio g using (indicator, periode, dimensie, dimensie_waarde)
),

-- Counts from 8 standard deviations (+5) below the mean, so the CDF misses less than 1e-12, to 6 above,
-- past the 99.9% quantile; for 0 < p < 1 (at 0 or 1 the distribution is a point, and so are the limits).
tellingen as (
  select
    p.punt, p.n, p.p,
    t.r::bigint as r
  from punten p,
    range(
      greatest(0, floor(p.n * p.p - 8 * sqrt(p.n * p.p * (1 - p.p)) - 5))::bigint,
      least(p.n, ceil(p.n * p.p + 6 * sqrt(p.n * p.p * (1 - p.p)) + 5))::bigint + 1
    ) as t(r)
  where p.p > 0 and p.p < 1
),

kansen as (
  select
    *,
    exp(lgamma(n + 1) - lgamma(r + 1) - lgamma(n - r + 1) + r * ln(p) + (n - r) * ln(1 - p)) as kans
  from tellingen
),

verdeling as (
  select
    *,
    sum(kans) over (partition by punt order by r rows unbounded preceding) as cdf
  from kansen
),

grenzen as (
  select
    punt,
    arg_min(r - (cdf - 0.025) / kans, r) filter (where cdf >= 0.025) as r95_laag,
    arg_min(r - (cdf - 0.975) / kans, r) filter (where cdf >= 0.975) as r95_hoog,
    arg_min(r - (cdf - 0.001) / kans, r) filter (where cdf >= 0.001) as r998_laag,
    arg_min(r - (cdf - 0.999) / kans, r) filter (where cdf >= 0.999) as r998_hoog
  from verdeling
  group by punt
),

-- At a tiny n the interpolated quantile can cross the middle line (n = 1, p = 0.01: F(0) = 0.99 is
-- already past 97.5%, so the upper limit would be 0). A limit never lies on the wrong side of the
-- regional value: there it is the regional value itself.
binomiaal as (
  select
    p.indicator, p.periode, p.dimensie, p.dimensie_waarde, p.n as noemer, p.p as regio_waarde,
    least(p.p, greatest(0, g.r95_laag / p.n)) as p95_laag,
    greatest(p.p, least(1, g.r95_hoog / p.n)) as p95_hoog,
    least(p.p, greatest(0, g.r998_laag / p.n)) as p998_laag,
    greatest(p.p, least(1, g.r998_hoog / p.n)) as p998_hoog
  from grenzen g
  join punten p using (punt)
),

ontaard as (
  select indicator, periode, dimensie, dimensie_waarde, n, p, p, p, p, p
  from punten
  where p <= 0 or p >= 1
),

final as (
  select * from binomiaal
  union all
  select * from ontaard
)

select * from final
