-- test: overleving_tussen_0_en_1
select * from marts.verblijfsduur_curve
where overleving not between 0 and 1 or ci_laag not between 0 and 1 or ci_hoog not between 0 and 1

-- test: band_om_de_schatting
select * from marts.verblijfsduur_curve
where ci_laag > overleving + 1e-12 or overleving > ci_hoog + 1e-12

-- test: curve_daalt_nooit
select * from (
  select *, lag(overleving) over (partition by gemeente, cohort order by dag) as vorige
  from marts.verblijfsduur_curve
) c
where overleving > vorige + 1e-12

-- test: at_risk_klopt_met_de_vorige_dag
-- Who is at risk tomorrow is who was at risk today minus today's ends and censorings.
select * from (
  select *, lead(at_risk) over (partition by gemeente, cohort order by dag) as volgende
  from marts.verblijfsduur_curve
) c
where volgende is not null and volgende <> at_risk - events - censored

-- test: elke_curve_begint_op_dag_0
select gemeente, cohort from marts.verblijfsduur_curve group by gemeente, cohort having min(dag) <> 0
