-- @table Trajecten per rapportagegebied en periode waarin ze actief zijn (indicators.md §1 Period): actief
--   als het traject op of voor de laatste dag van de periode begint en open is of op of na de eerste dag
--   eindigt; gestart of beëindigd als de begin- of einddatum in de periode ligt. Elk traject telt in
--   zijn gemeente en in de regio. Alles na de peildatum bestaat voor de telling nog niet.
-- @grain one row per gebied × periode × trajectory active in it
-- @column gebied CBS-code van de gemeente, of IJsselland
-- @column periode Periode (2024, 2024-H1, …)
-- @column traject_id Het traject (core.trajecten)
-- @column gemeente CBS-code van de gemeente van het traject
-- @column client_id Pseudoniem van de jeugdige
-- @column aanbieder_agb AGB-code van de aanbieder
-- @column hulpvorm CBS-hulpvorm
-- @column met_verblijf true = jeugdhulp met verblijf
-- @column begindatum Begindatum van het traject
-- @column einddatum Einddatum van het traject als die op of voor de peildatum ligt; anders leeg (open)
-- @column reden_beeindiging JZ588-reden als het traject op of voor de peildatum eindigde
-- @column is_gestart true als het traject in de periode begon
-- @column is_beeindigd true als het traject in de periode eindigde
-- @test unique: gebied, periode, traject_id
-- @test not_null: gebied, periode, traject_id, is_gestart, is_beeindigd
-- @test relationship traject_id: core.trajecten.traject_id
with

trajecten as (select * from core.trajecten),
perioden as (select * from core.perioden),
gebieden as (select * from core.gebieden),
peildatum as (select peildatum from core.peildatum),

-- Censored at the peildatum, so that a run with an earlier --peildatum sees what was known then.
gecensureerd as (
  select
    t.traject_id, t.gemeente, t.client_id, t.aanbieder_agb, t.hulpvorm, t.met_verblijf, t.begindatum,
    case when t.einddatum <= p.peildatum then t.einddatum end as einddatum,
    case when t.einddatum <= p.peildatum then t.reden_beeindiging end as reden_beeindiging
  from trajecten t
  cross join peildatum p
  where t.begindatum <= p.peildatum
),

final as (
  select
    g.gebied, pe.periode,
    t.traject_id, t.gemeente, t.client_id, t.aanbieder_agb, t.hulpvorm, t.met_verblijf,
    t.begindatum, t.einddatum, t.reden_beeindiging,
    t.begindatum between pe.begindatum and pe.einddatum as is_gestart,
    coalesce(t.einddatum between pe.begindatum and pe.einddatum, false) as is_beeindigd
  from gecensureerd t
  join gebieden g on g.gemeente = t.gemeente
  join perioden pe
    on t.begindatum <= pe.einddatum
    and coalesce(t.einddatum, date '9999-12-31') >= pe.begindatum
)

select * from final
