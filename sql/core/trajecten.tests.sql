-- test: einde_niet_voor_begin
select traject_id, begindatum, einddatum from core.trajecten where einddatum < begindatum

-- test: open_heeft_geen_einde
select traject_id, is_open, einddatum from core.trajecten where is_open <> (einddatum is null)

-- test: trajecten_van_een_groep_raken_elkaar_niet
-- Two trajectories of one client, gemeente, provider and hulpvorm never overlap or adjoin.
select a.traject_id, b.traject_id as ander_traject_id
from core.trajecten a
join core.trajecten b
  on a.gemeente = b.gemeente and a.client_id = b.client_id and a.aanbieder_agb = b.aanbieder_agb
  and a.hulpvorm = b.hulpvorm and a.traject_id <> b.traject_id
  and b.begindatum >= a.begindatum
  and b.begindatum <= coalesce(a.einddatum, date '9999-12-31') + 1
