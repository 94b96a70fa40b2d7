-- test: interval_om_de_waarde
select * from marts.ind_verblijfsduur where ci_laag > waarde + 1e-9 or waarde > ci_hoog + 1e-9

-- test: aandelen_tussen_0_en_1
select * from marts.ind_verblijfsduur where indicator like 'nog_in_verblijf_%' and waarde not between 0 and 1

-- test: nog_in_verblijf_neemt_af_met_de_tijd
select a.* from marts.ind_verblijfsduur a
join marts.ind_verblijfsduur b using (gemeente, periode)
where (a.indicator, b.indicator) in (('nog_in_verblijf_6m', 'nog_in_verblijf_12m'), ('nog_in_verblijf_12m', 'nog_in_verblijf_24m'))
  and b.waarde > a.waarde + 1e-12

-- test: duur_niet_negatief
select * from marts.ind_verblijfsduur where indicator like 'verblijfsduur_%' and waarde < 0
