-- @table Uitkomstmetingen gekoppeld aan hun traject (indicators.md §1 Outcome rows): via de toewijzing
--   (gemeente + toewijzingnummer) aan het traject dat de laatst eindigende episode van die toewijzing
--   bevat. Alleen rijen waarvan dat traject beëindigd is; de andere wachten (core.datakwaliteit).
-- @grain one row per gemeente × toewijzingnummer × informant (linked rows only)
-- @column gemeente CBS-code van de gemeente
-- @column toewijzingnummer ToewijzingNummer waarop gemeten is
-- @column informant J = jeugdige, O = ouder/opvoeder
-- @column traject_id Het traject waar de meting bij hoort (core.trajecten)
-- @column client_id Pseudoniem van de jeugdige (van het traject)
-- @column aanbieder_agb AGB-code van de aanbieder (van het traject)
-- @column hulpvorm CBS-hulpvorm van het traject
-- @column traject_einddatum Einddatum van het traject; bepaalt de periode van de meting
-- @column doelrealisatie 1 volledig, 2 gedeeltelijk, 3 niet behaald; leeg = niet gemeten
-- @column tevredenheid Rapportcijfer 1-10; leeg = niet gemeten
-- @column zonder_hulp_verder 01-04 (CBS 4.4); leeg = niet gemeten
-- @column meetdatum Datum van de meting, indien gegeven
-- @column einddatum_opgegeven Einddatum zoals de aanbieder die in de meting opgaf
-- @test unique: gemeente, toewijzingnummer, informant
-- @test not_null: gemeente, toewijzingnummer, informant, traject_id, traject_einddatum
-- @test relationship traject_id: core.trajecten.traject_id
-- @test accepted_values informant: J, O
with

metingen as (select * from staging.uitkomsten),
episodes as (select * from core.episodes where soort = 'jeugdhulp'),
trajecten as (select * from core.trajecten),

laatste_episode as (
  select *
  from episodes
  qualify row_number() over (
    partition by gemeente, toewijzingnummer
    order by coalesce(einddatum, date '9999-12-31') desc, begindatum desc
  ) = 1
),

traject_van_toewijzing as (
  select e.gemeente, e.toewijzingnummer, t.traject_id, t.client_id, t.aanbieder_agb, t.hulpvorm,
         t.einddatum, t.is_open
  from laatste_episode e
  join trajecten t
    on t.gemeente = e.gemeente and t.client_id = e.client_id and t.aanbieder_agb = e.aanbieder_agb
    and t.hulpvorm = e.hulpvorm
    and e.begindatum between t.begindatum and coalesce(t.einddatum, date '9999-12-31')
),

final as (
  select
    m.gemeente, m.toewijzingnummer, m.informant,
    t.traject_id, t.client_id, t.aanbieder_agb, t.hulpvorm,
    t.einddatum as traject_einddatum,
    m.doelrealisatie, m.tevredenheid, m.zonder_hulp_verder, m.meetdatum,
    m.einddatum as einddatum_opgegeven
  from metingen m
  join traject_van_toewijzing t using (gemeente, toewijzingnummer)
  where not t.is_open
)

select * from final
