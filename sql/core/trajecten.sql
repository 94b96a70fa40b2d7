-- @table Jeugdhulptrajecten (CBS-protocol 3.1, indicators.md §1 Trajectory): episodes van één jeugdige in
--   één gemeente met dezelfde hulpvorm bij dezelfde aanbieder die overlappen of aansluiten (volgende
--   start ≤ vorig einde + 1 dag), van de vroegste start tot het laatste einde. Alleen jeugdhulp;
--   vervoer en het justitiële kader (categorie 47-49) vormen geen trajecten.
-- @grain one row per trajectory (gemeente × client × aanbieder × hulpvorm × continuous span)
-- @column traject_id Sleutel (hash van gemeente, jeugdige, aanbieder, hulpvorm en begindatum)
-- @column gemeente CBS-code van de gemeente
-- @column client_id Pseudoniem van de jeugdige
-- @column aanbieder_agb AGB-code van de aanbieder
-- @column hulpvorm CBS-hulpvorm (01-04, 11-14)
-- @column met_verblijf true = jeugdhulp met verblijf (hulpvorm 11-14)
-- @column begindatum Vroegste start van de episodes
-- @column einddatum Laatste einde van de episodes; leeg zolang het traject open is
-- @column reden_beeindiging JZ588-reden van de episode die het laatst eindigt (bij gelijk einde: die het
--   laatst begon); leeg = onbekend of open
-- @column is_open true als een van de episodes open is
-- @column geboortejaar Geboortejaar van de jeugdige
-- @column geboortemaand Geboortemaand van de jeugdige (1-12)
-- @column aantal_episodes Aantal episodes in het traject
-- @test unique: traject_id
-- @test not_null: traject_id, gemeente, client_id, aanbieder_agb, hulpvorm, met_verblijf, begindatum, is_open
-- @test accepted_values hulpvorm: 01, 02, 03, 04, 11, 12, 13, 14
-- @test accepted_values reden_beeindiging: 02, 20, 31, 32, 33, 34, 35, 36, 37, 38, 39
--
-- The CBS rule that folds a provider's ambulant help into its stay is not applied: ambulant care
-- during a stay is its own trajectory (indicators.md §1).
with

episodes as (select * from core.episodes where soort = 'jeugdhulp'),
toewijzingen as (select * from core.toewijzingen),

-- An open episode runs on indefinitely for the merge.
-- Both windows order the episodes the same way, to the last tie (episode_id): with rows that tie, two
-- windows may put them in different orders, and an episode would be marked as starting a trajectory in
-- one order and counted in the other, joining the wrong trajectory.
gemarkeerd as (
  select
    *,
    coalesce(einddatum, date '9999-12-31') as einde_of_open,
    case
      when begindatum <= max(coalesce(einddatum, date '9999-12-31')) over (
        partition by gemeente, client_id, aanbieder_agb, hulpvorm
        order by begindatum, coalesce(einddatum, date '9999-12-31'), episode_id
        rows between unbounded preceding and 1 preceding
      ) + 1
      then 0 else 1
    end as nieuw_traject
  from episodes
),

genummerd as (
  select
    *,
    sum(nieuw_traject) over (
      partition by gemeente, client_id, aanbieder_agb, hulpvorm
      order by begindatum, einde_of_open, episode_id
      rows unbounded preceding
    ) as traject_nr
  from gemarkeerd
),

-- The reden of the episode that ends last; on a tie, the one that started last.
geordend as (
  select
    *,
    row_number() over (
      partition by gemeente, client_id, aanbieder_agb, hulpvorm, traject_nr
      order by einde_of_open desc, begindatum desc, reden_beeindiging desc nulls last
    ) as laatste
  from genummerd
),

geboorte as (
  select gemeente, client_id, max(geboortejaar) as geboortejaar, max(geboortemaand) as geboortemaand
  from toewijzingen
  group by gemeente, client_id
),

samengevoegd as (
  select
    gemeente, client_id, aanbieder_agb, hulpvorm,
    bool_or(met_verblijf) as met_verblijf,
    min(begindatum) as begindatum,
    max(einddatum) as einddatum_laatste,
    bool_or(is_open) as is_open,
    max(case when laatste = 1 then reden_beeindiging end) as reden_laatste,
    count(*) as aantal_episodes
  from geordend
  group by gemeente, client_id, aanbieder_agb, hulpvorm, traject_nr
),

final as (
  select
    substr(md5(concat_ws('|', s.gemeente, s.client_id, s.aanbieder_agb, s.hulpvorm, s.begindatum)), 1, 16)
      as traject_id,
    s.gemeente, s.client_id, s.aanbieder_agb, s.hulpvorm, s.met_verblijf,
    s.begindatum,
    case when s.is_open then null else s.einddatum_laatste end as einddatum,
    case when s.is_open then null else s.reden_laatste end as reden_beeindiging,
    s.is_open,
    g.geboortejaar, g.geboortemaand,
    s.aantal_episodes
  from samengevoegd s
  left join geboorte g using (gemeente, client_id)
)

select * from final
