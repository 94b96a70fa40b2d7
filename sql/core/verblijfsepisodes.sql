-- @table Verblijfsepisodes: ononderbroken uithuisplaatsingen (CBS "zorgduur", indicators.md §1). Trajecten
--   met verblijf (hulpvorm 11-14) van een client in een gemeente, over aanbieders en hulpvormen heen,
--   samengevoegd als ze overlappen of aansluiten (volgende start <= eerdere eind + 1 dag). Een nog lopend
--   verblijf is gecensureerd op de peildatum: het telt nooit als beeindigd.
-- @grain one row per verblijfsepisode (gemeente × client × ononderbroken verblijf)
-- @column verblijf_id Sleutel: gemeente:client_id:begindatum
-- @column gemeente CBS-code van de gemeente die de trajecten toewees
-- @column client_id Pseudoniem van de client
-- @column begindatum Eerste dag van het verblijf (vroegste start van de samengevoegde trajecten)
-- @column einddatum Laatste dag van het verblijf; null zolang een deel ervan open is
-- @column is_open true als een van de samengevoegde trajecten op de peildatum nog loopt
-- @column duur_dagen Einddatum min begindatum in dagen; bij een open verblijf de peildatum min begindatum
--   (gecensureerd: het verblijf duurt minstens zo lang)
-- @column eerste_hulpvorm Hulpvorm (11-14) van het traject waarmee het verblijf begon
-- @column hulpvormen Alle hulpvormen in het verblijf, gesorteerd en met komma's gescheiden, bv. 11,14
-- @test not_null: verblijf_id, gemeente, client_id, begindatum, is_open, duur_dagen, eerste_hulpvorm, hulpvormen
-- @test unique: verblijf_id
-- @test accepted_values eerste_hulpvorm: 11, 12, 13, 14

-- Censored at the peildatum, like core.traject_perioden: an end after the peildatum was not known then,
-- so the stay counts as open, and a trajectory starting after it does not exist yet.

with

peildatum as (
  select peildatum from core.peildatum
),

trajecten as (
  select t.*
  from core.trajecten t
  cross join peildatum p
  where t.met_verblijf and t.begindatum <= p.peildatum
),

-- An open trajectory has no end; the far-future date lets it swallow every later start.
met_eind as (
  select
    gemeente,
    client_id,
    traject_id,
    hulpvorm,
    begindatum,
    is_open or einddatum is null or einddatum > p.peildatum as is_open,
    case when is_open or einddatum is null or einddatum > p.peildatum then date '9999-12-31' else einddatum end
      as eind_of_open
  from trajecten
  cross join peildatum p
),

-- The latest end among the earlier trajectories of the client decides whether this one continues the
-- stay: a later trajectory may lie wholly inside a long earlier one, so the previous row alone is not enough.
eerder_eind as (
  select
    *,
    max(eind_of_open) over (
      partition by gemeente, client_id
      order by begindatum, traject_id
      rows between unbounded preceding and 1 preceding
    ) as eind_tot_nu
  from met_eind
),

genummerd as (
  select
    *,
    sum(case when eind_tot_nu is null or begindatum > eind_tot_nu + 1 then 1 else 0 end) over (
      partition by gemeente, client_id
      order by begindatum, traject_id
      rows unbounded preceding
    ) as volgnummer
  from eerder_eind
),

samengevoegd as (
  select
    gemeente,
    client_id,
    min(begindatum) as begindatum,
    max(eind_of_open) as eind_of_open,
    bool_or(is_open) as is_open,
    arg_min(hulpvorm, begindatum::varchar || hulpvorm) as eerste_hulpvorm,
    string_agg(distinct hulpvorm, ',' order by hulpvorm) as hulpvormen
  from genummerd
  group by gemeente, client_id, volgnummer
),

final as (
  select
    s.gemeente || ':' || s.client_id || ':' || strftime(s.begindatum, '%Y-%m-%d') as verblijf_id,
    s.gemeente,
    s.client_id,
    s.begindatum,
    case when s.is_open then null else s.eind_of_open end as einddatum,
    s.is_open,
    (case when s.is_open then p.peildatum else s.eind_of_open end) - s.begindatum as duur_dagen,
    s.eerste_hulpvorm,
    s.hulpvormen
  from samengevoegd s
  cross join peildatum p
)

select * from final
