-- test: aandelen_tussen_0_en_1
-- A share (teller, noemer and a Wilson interval) lies in 0-1, inside its interval.
select *
from marts.indicator_values
where teller is not null and noemer is not null and ci_laag is not null
  and (waarde < 0 or waarde > 1 or teller > noemer or ci_laag > waarde + 1e-12 or ci_hoog < waarde - 1e-12)

-- test: geen_negatieve_aantallen
select * from marts.indicator_values where waarde < 0 or teller < 0 or noemer < 0

-- test: regio_aanwezig_voor_elke_indicator_en_periode
-- Every indicator a gemeente has in a period, the region has too. Not the Kaplan–Meier median: it exists
-- only where S reaches 0.5, and a small gemeente's cohort can get there while the pooled region's does not.
select distinct v.periode, v.indicator
from marts.indicator_values v
where v.gemeente <> 'IJsselland'
  and v.indicator <> 'verblijfsduur_km_mediaan'
  and not exists (
    select 1 from marts.indicator_values r
    where r.gemeente = 'IJsselland' and r.periode = v.periode and r.indicator = v.indicator
  )
