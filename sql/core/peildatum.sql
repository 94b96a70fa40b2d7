-- @table De peildatum van deze build (indicators.md §1): de datum tot waar de gegevens volledig zijn.
--   Opgegeven met --peildatum, of berekend: de laatste van alle Dagtekeningen, JW307-Einddatums en
--   einddatums en meetdatums van uitkomsten (niet de geplande Einddatum van een JW301), begrensd op de
--   rundatum. Open trajecten en verblijven worden op de peildatum gecensureerd.
-- @grain one row
-- @column peildatum De peildatum
-- @column bron opgegeven (--peildatum) of berekend (uit de gegevens)
-- @column berekend De peildatum zoals uit de gegevens berekend (ook als er een is opgegeven)
-- @column rundatum De datum van de build (de klok van de run)
-- @test not_null: peildatum, bron, rundatum
-- @test accepted_values bron: opgegeven, berekend
--
-- build_opties is the runner's temp table holding the bound --peildatum and the run date.
-- A clientbestand has no Dagtekening: the date in its file name and its einde_zorg play that role.
with

opties as (select * from build_opties),

datums as (
  select dagtekening as datum from raw.jw301
  union all select dagtekening from raw.jw305
  union all select dagtekening from raw.jw307
  union all select einddatum from raw.jw307
  union all select dagtekening from raw.jw315
  union all select dagtekening from raw.jw323
  union all select einddatum from raw.uitkomsten
  union all select meetdatum from raw.uitkomsten
  union all select file_date from raw.clientbestand
  union all select einde_zorg from raw.clientbestand
),

berekend as (
  select least(max(d.datum), any_value(o.rundatum)) as berekend
  from opties o
  left join datums d on true
),

final as (
  select
    coalesce(o.peildatum_opgegeven, b.berekend, o.rundatum) as peildatum,
    case when o.peildatum_opgegeven is not null then 'opgegeven' else 'berekend' end as bron,
    b.berekend,
    o.rundatum
  from opties o
  cross join berekend b
)

select * from final
