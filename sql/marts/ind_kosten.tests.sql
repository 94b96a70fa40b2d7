-- test: hulpvormen_tellen_op_tot_totaal
-- Every declared euro of jeugdhulp has a hulpvorm, so the hulpvorm rows add up to the totaal row.
select t.gemeente, t.periode, t.waarde, sum(h.waarde) as som_hulpvormen
from marts.ind_kosten t
join marts.ind_kosten h using (gemeente, periode, indicator)
where t.indicator = 'kosten_gedeclareerd' and t.dimensie = 'totaal' and h.dimensie = 'hulpvorm'
group by t.gemeente, t.periode, t.waarde
having abs(t.waarde - sum(h.waarde)) > 0.005

-- test: regio_is_de_som_van_de_gemeenten
select r.periode, r.dimensie_waarde, r.waarde, sum(g.waarde) as som
from marts.ind_kosten r
join marts.ind_kosten g using (periode, indicator, dimensie, dimensie_waarde)
where r.indicator = 'kosten_gedeclareerd' and r.gemeente = 'IJsselland' and g.gemeente <> 'IJsselland'
group by r.periode, r.dimensie_waarde, r.waarde
having abs(r.waarde - sum(g.waarde)) > 0.005

-- test: budgetbenutting_niet_negatief
select * from marts.ind_kosten where indicator = 'budgetbenutting' and waarde < 0
