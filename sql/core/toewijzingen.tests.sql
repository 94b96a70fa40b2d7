-- test: jeugdhulp_heeft_hulpvorm
-- Every jeugdhulp product maps to a hulpvorm, and nothing else carries one.
select gemeente, toewijzingnummer, productcategorie, productcode, soort, hulpvorm
from core.toewijzingen
where (soort = 'jeugdhulp') <> (hulpvorm is not null)
