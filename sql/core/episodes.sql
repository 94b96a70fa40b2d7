-- @table Leveringsepisodes (indicators.md §1 Delivery episode): een start op een geldende toewijzing met
--   de stop die erbij hoort, na correcties. Een stop met reden 20 gevolgd door een nieuwe start op dezelfde
--   toewijzing 1-90 dagen later is één episode. Een episode zonder stop is open zolang de toewijzing
--   loopt; ligt de Einddatum van de toewijzing voor de peildatum, dan eindigt de episode op die
--   Einddatum met reden onbekend.
-- @grain one row per episode (gemeente × toewijzingnummer × product × begindatum of its first start)
-- @column episode_id Sleutel: gemeente/toewijzingnummer/begindatum/productcategorie/productcode van de
--   eerste start (een toewijzing kan op één dag starts met twee producten krijgen)
-- @column gemeente CBS-code van de gemeente van de toewijzing
-- @column toewijzingnummer ToewijzingNummer
-- @column client_id Pseudoniem van de jeugdige (van de toewijzing)
-- @column aanbieder_agb AGB-code van de aanbieder (van de toewijzing)
-- @column soort jeugdhulp, vervoer, jeugdreclassering, jeugdbescherming of preventief_justitieel
-- @column hulpvorm CBS-hulpvorm van de toewijzing; leeg als het geen jeugdhulp is
-- @column met_verblijf true = jeugdhulp met verblijf; leeg als het geen jeugdhulp is
-- @column begindatum Eerste dag van zorg
-- @column einddatum Laatste dag van zorg; leeg zolang de episode open is
-- @column reden_beeindiging JZ588-reden van de laatste stop; leeg = onbekend of open
-- @column is_open true als er geen einde bekend is
-- @column gesloten_op_toewijzing true als de episode geen stop had en eindigt op de Einddatum van de
--   toewijzing (die voor de peildatum ligt)
-- @column aantal_onderbrekingen Aantal tijdelijke beëindigingen (reden 20) met een herstart binnen 90
--   dagen die in deze episode zijn opgegaan
-- @column bron ijw of clientbestand (herkomst van de toewijzing)
-- @test unique: episode_id
-- @test not_null: episode_id, gemeente, toewijzingnummer, client_id, aanbieder_agb, soort, begindatum, is_open
-- @test relationship toewijzingnummer: core.toewijzingen.toewijzingnummer
with

toewijzingen as (select * from core.toewijzingen),
starts as (select * from staging.zorg_starts),
stops as (select * from staging.zorg_stops),
peildatum as (select peildatum from core.peildatum),

-- A stop belongs to the start with the same key; a stop ending before its start is no stop.
segmenten as (
  select
    s.gemeente, s.toewijzingnummer, s.begindatum, s.productcategorie, s.productcode,
    {'begindatum': s.begindatum, 'categorie': coalesce(s.productcategorie, ''), 'code': coalesce(s.productcode, '')}
      as volgorde,
    p.einddatum, p.reden_beeindiging
  from starts s
  join toewijzingen t using (gemeente, toewijzingnummer)
  left join stops p
    on p.gemeente = s.gemeente
    and p.toewijzingnummer = s.toewijzingnummer
    and p.productcategorie is not distinct from s.productcategorie
    and p.productcode is not distinct from s.productcode
    and p.begindatum = s.begindatum
    and p.einddatum >= s.begindatum
),

-- A segment continues the previous one when that ended with reden 20 and this one restarts 1-90 days later.
-- Segments follow each other by begindatum, then product, so two starts on one day have an order.
gemarkeerd as (
  select
    *,
    case
      when lag(reden_beeindiging) over per_toewijzing = '20'
        and begindatum - lag(einddatum) over per_toewijzing between 1 and 90
      then 0 else 1
    end as nieuwe_episode
  from segmenten
  window per_toewijzing as (partition by gemeente, toewijzingnummer order by volgorde)
),

genummerd as (
  select
    *,
    sum(nieuwe_episode) over (
      partition by gemeente, toewijzingnummer order by volgorde rows unbounded preceding
    ) as episode_nr
  from gemarkeerd
),

-- The episode ends as its last segment does: a restart without a stop leaves it open, whatever the
-- pauses before it. The stop (and the first product) is taken as one struct, which is never NULL itself:
-- arg_max skips rows whose value is NULL, and would take the pause's end for the open restart's.
samengevoegd as (
  select
    gemeente, toewijzingnummer,
    min(begindatum) as begindatum,
    arg_min({'categorie': productcategorie, 'code': productcode}, volgorde) as eerste_product,
    arg_max({'einddatum': einddatum, 'reden': reden_beeindiging}, volgorde) as laatste_stop,
    count(*) - 1 as aantal_onderbrekingen
  from genummerd
  group by gemeente, toewijzingnummer, episode_nr
),

laatste as (
  select
    gemeente, toewijzingnummer, begindatum,
    eerste_product.categorie as productcategorie, eerste_product.code as productcode,
    laatste_stop.einddatum as stop_einddatum,
    laatste_stop.reden as stop_reden,
    aantal_onderbrekingen
  from samengevoegd
),

gesloten as (
  select
    e.*,
    t.client_id, t.aanbieder_agb, t.soort, t.hulpvorm, t.met_verblijf, t.bron,
    coalesce(e.stop_einddatum is null and t.einddatum < p.peildatum, false) as gesloten_op_toewijzing,
    t.einddatum as toewijzing_einddatum
  from laatste e
  join toewijzingen t using (gemeente, toewijzingnummer)
  cross join peildatum p
),

final as (
  select
    concat_ws('/', gemeente, toewijzingnummer, strftime(begindatum, '%Y-%m-%d'), productcategorie, productcode)
      as episode_id,
    gemeente, toewijzingnummer, client_id, aanbieder_agb, soort, hulpvorm, met_verblijf,
    begindatum,
    case
      when gesloten_op_toewijzing then greatest(toewijzing_einddatum, begindatum)
      else stop_einddatum
    end as einddatum,
    case when gesloten_op_toewijzing then null else stop_reden end as reden_beeindiging,
    stop_einddatum is null and not gesloten_op_toewijzing as is_open,
    gesloten_op_toewijzing,
    aantal_onderbrekingen,
    bron
  from gesloten
)

select * from final
