-- @table Aangeleverde bestanden die afwijken van het profiel van hun gemeente (delivery.md §3.4): het
--   bestand is gelezen met wat uit het bestand zelf bleek (een ander scheidingsteken, een andere
--   tekenset, kopregel, datumformaat of decimaalteken), en de afwijking staat in de paragraaf
--   datakwaliteit van de gemeente, zodat de gemeente haar export of haar profiel kan bijwerken.
-- @grain one row per delivered file × aspect that departs (a date format: per column)
-- @column gemeente CBS-code van de gemeente
-- @column bestand Bestandsnaam in de map van de gemeente
-- @column aspect tekenset, scheidingsteken, aanhalingsteken, kopregel, datumformaat of decimaalteken
-- @column kolom De kolom, bij een datumformaat of decimaalteken
-- @column profiel Wat het profiel zegt
-- @column gelezen Waarmee het bestand gelezen is
-- @column omschrijving De afwijking in gewone taal, bv. afwijkend van het profiel: scheidingsteken ';' in plaats van ','
-- @column geladen_op Wanneer het bestand gelezen is
-- @test not_null: gemeente, bestand, aspect, gelezen, omschrijving
-- @test accepted_values aspect: tekenset, scheidingsteken, aanhalingsteken, kopregel, datumformaat, decimaalteken
with

dialecten as (select * from meta.dialects),
deliveries as (select * from meta.deliveries),

final as (
  select
    x.gemeente,
    x.file_name as bestand,
    x.aspect,
    x.kolom,
    x.profiel,
    x.gelezen,
    'afwijkend van het profiel: ' || x.omschrijving as omschrijving,
    d.loaded_at as geladen_op
  from dialecten x
  join deliveries d using (delivery_id)
  where x.afwijkend
)

select * from final
