-- test: einde_niet_voor_begin
select * from core.verblijfsepisodes where einddatum < begindatum or duur_dagen < 0

-- test: open_precies_als_einddatum_leeg
select * from core.verblijfsepisodes where is_open <> (einddatum is null)

-- test: episodes_van_een_client_raken_elkaar_niet
-- Two stays of one client in one gemeente must be more than one day apart, or they should have merged.
select a.verblijf_id, b.verblijf_id as volgende
from core.verblijfsepisodes a
join core.verblijfsepisodes b
  on a.gemeente = b.gemeente and a.client_id = b.client_id and b.begindatum > a.begindatum
where a.einddatum is null or b.begindatum <= a.einddatum + 1
