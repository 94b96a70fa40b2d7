-- test: kader_niet_meer_dan_totaal
-- A client counts under each kader they had, so the kaders together can exceed the total, but no single one can.
select t.gemeente, t.periode, t.waarde, k.dimensie_waarde, k.waarde as per_kader
from marts.ind_justitieel t
join marts.ind_justitieel k using (gemeente, periode, indicator)
where t.dimensie = 'totaal' and k.dimensie = 'kader'
  and k.waarde > t.waarde

-- test: regio_niet_meer_dan_gemeenten_samen
-- In the region a client counts once, so the region is at most the sum of its gemeenten.
select r.periode, r.dimensie_waarde, r.waarde, sum(g.waarde) as som
from marts.ind_justitieel r
join marts.ind_justitieel g using (periode, indicator, dimensie, dimensie_waarde)
where r.gemeente = 'IJsselland' and g.gemeente <> 'IJsselland'
group by r.periode, r.dimensie_waarde, r.waarde
having r.waarde > sum(g.waarde)
