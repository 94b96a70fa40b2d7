-- test: aandelen_tussen_0_en_1_met_interval_eromheen
select * from marts.ind_verblijf
where indicator in ('uithuisgeplaatst_aandeel', 'kleinschalig_gezinsgericht')
  and not (0 <= ci_laag and ci_laag <= waarde + 1e-12 and waarde <= ci_hoog + 1e-12 and ci_hoog <= 1)

-- test: verblijfstypen_niet_meer_dan_totaal
-- A client counts under each type they had, so the types together can exceed the total, but no single one can.
select t.gemeente, t.periode, t.waarde, v.dimensie_waarde, v.waarde as per_type
from marts.ind_verblijf t
join marts.ind_verblijf v using (gemeente, periode, indicator)
where t.indicator = 'uithuisgeplaatst' and t.dimensie = 'totaal' and v.dimensie = 'verblijfstype'
  and v.waarde > t.waarde

-- test: nieuwe_per_type_tellen_op
select t.gemeente, t.periode, t.waarde, sum(v.waarde) as som
from marts.ind_verblijf t
join marts.ind_verblijf v using (gemeente, periode, indicator)
where t.indicator = 'nieuwe_uithuisplaatsingen' and t.dimensie = 'totaal' and v.dimensie = 'verblijfstype'
group by t.gemeente, t.periode, t.waarde
having t.waarde <> sum(v.waarde)
