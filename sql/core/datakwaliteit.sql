-- @table Wat de modellen weglieten of niet konden plaatsen, per gemeente, voor de paragraaf
--   datakwaliteit van het rapport: verwijderde toewijzingen en hun starts, stops en uitkomsten, stops
--   zonder start, uitkomsten die op een beëindigd traject wachten, en einden zonder bruikbare reden.
-- @grain one row per gemeente × soort (also when aantal is 0)
-- @column gemeente CBS-code van de gemeente
-- @column soort Korte code van wat geteld is
-- @column omschrijving Wat er geteld is, in gewone taal
-- @column aantal Aantal
-- @test unique: gemeente, soort
-- @test not_null: gemeente, soort, omschrijving, aantal
--
-- The matching rules repeat those of the models they audit (core.toewijzingen, core.episodes,
-- core.uitkomsten), so a count here is exactly what those models left out.
with

versies as (select * from staging.toewijzing_versies),
clientbestand as (select * from staging.clientbestand),
starts as (select * from staging.zorg_starts),
stops as (select * from staging.zorg_stops),
metingen as (select * from staging.uitkomsten),
toewijzingen as (select * from core.toewijzingen),
episodes as (select * from core.episodes),
trajecten as (select * from core.trajecten),
uitkomsten as (select * from core.uitkomsten),
gemeenten as (select cbs_code as gemeente from ref.gemeenten),

soorten(soort, omschrijving) as (
  values
    ('toewijzing_verwijderd', 'Toewijzingen verwijderd (RedenWijziging 13): tellen nergens mee'),
    ('toewijzing_product_onbekend', 'Toewijzingen met een product zonder bekende hulpvorm of categorie: tellen nergens mee'),
    ('toewijzing_zonder_start', 'Jeugdhulptoewijzingen zonder bekende start van zorg: geen zorg geleverd'),
    ('start_verwijderde_toewijzing', 'Starts van zorg op een verwijderde toewijzing: weggelaten'),
    ('start_zonder_toewijzing', 'Starts van zorg op een onbekende toewijzing: weggelaten'),
    ('stop_verwijderde_toewijzing', 'Stops van zorg op een verwijderde toewijzing: weggelaten'),
    ('stop_zonder_start', 'Stops van zorg zonder bijbehorende start: genegeerd'),
    ('episode_gesloten_op_toewijzing', 'Zorg zonder stop, afgesloten op de einddatum van de toewijzing (reden onbekend)'),
    ('traject_einde_reden_onbekend', 'Beëindigde trajecten met reden 02, 20, 36, 37 of zonder reden: niet in uitval en volgens plan'),
    ('uitkomst_verwijderde_toewijzing', 'Uitkomstmetingen op een verwijderde toewijzing: weggelaten'),
    ('uitkomst_zonder_toewijzing', 'Uitkomstmetingen op een onbekende toewijzing: weggelaten'),
    ('uitkomst_wacht', 'Uitkomstmetingen die wachten tot hun traject beëindigd is')
),

verwijderd as (
  select gemeente, toewijzingnummer
  from versies
  qualify row_number() over (
    partition by gemeente, toewijzingnummer
    order by toewijzingsdatum desc, toewijzingstijd desc, dagtekening desc, bestand desc, seq desc
  ) = 1 and coalesce(reden_wijziging, '') = '13'
),

alle_toewijzingen as (select distinct gemeente, toewijzingnummer from versies),

product_onbekend as (
  select a.gemeente, a.toewijzingnummer
  from alle_toewijzingen a
  anti join verwijderd v using (gemeente, toewijzingnummer)
  anti join toewijzingen t using (gemeente, toewijzingnummer)
),

stops_zonder_start as (
  select p.gemeente
  from stops p
  anti join verwijderd v using (gemeente, toewijzingnummer)
  where not exists (
    select 1 from starts s
    join toewijzingen t using (gemeente, toewijzingnummer)
    where s.gemeente = p.gemeente and s.toewijzingnummer = p.toewijzingnummer
      and s.productcategorie is not distinct from p.productcategorie
      and s.productcode is not distinct from p.productcode
      and s.begindatum = p.begindatum and p.einddatum >= s.begindatum
  )
  union all
  select gemeente from clientbestand where einde_zorg is not null and start_zorg is null
),

geteld as (
  select gemeente, 'toewijzing_verwijderd' as soort, count(*) as aantal from verwijderd group by all
  union all
  select gemeente, 'toewijzing_product_onbekend', count(*) from product_onbekend group by all
  union all
  select t.gemeente, 'toewijzing_zonder_start', count(*)
  from toewijzingen t
  anti join episodes e using (gemeente, toewijzingnummer)
  where t.soort = 'jeugdhulp'
  group by all
  union all
  select s.gemeente, 'start_verwijderde_toewijzing', count(*)
  from starts s semi join verwijderd v using (gemeente, toewijzingnummer) group by all
  union all
  select s.gemeente, 'start_zonder_toewijzing', count(*)
  from starts s anti join alle_toewijzingen a using (gemeente, toewijzingnummer) group by all
  union all
  select p.gemeente, 'stop_verwijderde_toewijzing', count(*)
  from stops p semi join verwijderd v using (gemeente, toewijzingnummer) group by all
  union all
  select gemeente, 'stop_zonder_start', count(*) from stops_zonder_start group by all
  union all
  select gemeente, 'episode_gesloten_op_toewijzing', count(*) from episodes where gesloten_op_toewijzing group by all
  union all
  select gemeente, 'traject_einde_reden_onbekend', count(*)
  from trajecten
  where not is_open
    and coalesce(reden_beeindiging, '') not in ('31', '32', '33', '34', '35', '38', '39')
  group by all
  union all
  select m.gemeente, 'uitkomst_verwijderde_toewijzing', count(*)
  from metingen m semi join verwijderd v using (gemeente, toewijzingnummer) group by all
  union all
  select m.gemeente, 'uitkomst_zonder_toewijzing', count(*)
  from metingen m
  anti join toewijzingen t using (gemeente, toewijzingnummer)
  anti join verwijderd v using (gemeente, toewijzingnummer)
  group by all
  union all
  select m.gemeente, 'uitkomst_wacht', count(*)
  from metingen m
  semi join toewijzingen t using (gemeente, toewijzingnummer)
  anti join uitkomsten u using (gemeente, toewijzingnummer, informant)
  group by all
),

final as (
  select g.gemeente, s.soort, s.omschrijving, coalesce(c.aantal, 0) as aantal
  from gemeenten g
  cross join soorten s
  left join geteld c on c.gemeente = g.gemeente and c.soort = s.soort
)

select * from final
