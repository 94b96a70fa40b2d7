-- test: grenzen_geordend
select * from marts.funnel_limits
where not (0 <= p998_laag and p998_laag <= p95_laag and p95_laag <= regio_waarde + 1e-12
  and regio_waarde <= p95_hoog + 1e-12 and p95_hoog <= p998_hoog and p998_hoog <= 1)

-- test: trechter_wordt_smaller
-- The band narrows as n grows (allowing for the wobble of a discrete distribution).
select * from (
  select *, lag(p998_hoog - p998_laag) over (partition by indicator, periode, dimensie, dimensie_waarde order by noemer) as vorige_breedte
  from marts.funnel_limits
) f
where noemer > 20 and p998_hoog - p998_laag > vorige_breedte + 0.02
