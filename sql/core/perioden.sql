-- @table Rapportageperioden (indicators.md §1 Period): kalenderjaren (2024) en halfjaren (2024-H1,
--   2024-H2), van het eerste jaar waarin een traject start tot en met de periode waarin de peildatum valt.
-- @grain one row per periode
-- @column periode 2024, 2024-H1 of 2024-H2
-- @column soort jaar of halfjaar
-- @column jaar Kalenderjaar van de periode
-- @column begindatum Eerste dag van de periode
-- @column einddatum Laatste dag van de periode
-- @test unique: periode
-- @test not_null: periode, soort, jaar, begindatum, einddatum
-- @test accepted_values soort: jaar, halfjaar
with

peildatum as (select peildatum from core.peildatum),
trajecten as (select begindatum from core.trajecten),

grenzen as (
  select
    least(coalesce(min(year(t.begindatum)), year(any_value(p.peildatum))), year(any_value(p.peildatum)))
      as eerste_jaar,
    year(any_value(p.peildatum)) as laatste_jaar,
    any_value(p.peildatum) as peildatum
  from peildatum p
  left join trajecten t on true
),

jaren as (
  select unnest(range(eerste_jaar, laatste_jaar + 1))::integer as jaar, peildatum
  from grenzen
),

alle as (
  select jaar::varchar as periode, 'jaar' as soort, jaar,
         make_date(jaar, 1, 1) as begindatum, make_date(jaar, 12, 31) as einddatum, peildatum
  from jaren
  union all
  select jaar || '-H1', 'halfjaar', jaar, make_date(jaar, 1, 1), make_date(jaar, 6, 30), peildatum
  from jaren
  union all
  select jaar || '-H2', 'halfjaar', jaar, make_date(jaar, 7, 1), make_date(jaar, 12, 31), peildatum
  from jaren
),

final as (
  select periode, soort, jaar, begindatum, einddatum
  from alle
  where begindatum <= peildatum
)

select * from final
