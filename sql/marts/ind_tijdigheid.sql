-- @table Indicator 12, tijdigheid (indicators.md §2): per jeugdhulptoewijzing met een start van zorg, in de
--   periode van die eerste start, het aantal dagen van de aanvraag tot de eerste start. De aanvraag is de
--   Dagtekening van het JW315-verzoek waarvan de JW301 de ReferentieAanbieder herhaalt, anders de
--   Toewijzingsdatum van de eerste versie van de toewijzing. Een start voor de aanvraag telt als 0 dagen.
--   De mediaan en het aandeel binnen 28 dagen. Eén van de families van marts.indicator_values.
-- @grain one row per gemeente (of IJsselland) × periode × indicator × dimensie × dimensie_waarde
-- @column gemeente CBS-code van de gemeente, of IJsselland voor de regio
-- @column periode Jaar (2024) of halfjaar (2024-H1)
-- @column indicator tijdigheid_mediaan_dagen of tijdigheid_binnen_28_dagen
-- @column dimensie totaal, hulpvorm of aanbieder
-- @column dimensie_waarde totaal, de hulpvorm of de AGB-code van de aanbieder
-- @column teller Toewijzingen met een eerste start binnen 28 dagen; leeg bij de mediaan
-- @column noemer Toewijzingen met een eerste start in de periode
-- @column waarde Mediaan in dagen (bij een even aantal het gemiddelde van de middelste twee) of aandeel (0-1)
-- @column ci_laag Ondergrens van het 95%-Wilson-interval (alleen het aandeel)
-- @column ci_hoog Bovengrens van het 95%-Wilson-interval (alleen het aandeel)
-- @test unique: gemeente, periode, indicator, dimensie, dimensie_waarde
-- @test not_null: gemeente, periode, indicator, dimensie, dimensie_waarde, noemer, waarde
--
-- A provider may send a JW315 again for the same ReferentieAanbieder (e.g. after a rejection); the
-- earliest one is the moment the need was first put to the gemeente, so that one counts.
with

toewijzingen as (select * from core.toewijzingen where soort = 'jeugdhulp'),
episodes as (select * from core.episodes),
verzoeken as (select * from staging.verzoeken),
perioden as (select * from core.perioden),
gebieden as (select * from core.gebieden),
peildatum as (select peildatum from core.peildatum),

eerste_start as (
  select gemeente, toewijzingnummer, min(begindatum) as startdatum
  from episodes
  group by all
),

verzoek as (
  select gemeente, aanbieder_agb, referentie_aanbieder, min(verzoekdatum) as verzoekdatum
  from verzoeken
  group by all
),

wachttijden as (
  select
    t.gemeente, t.toewijzingnummer, t.hulpvorm, t.aanbieder_agb, s.startdatum,
    greatest(0, s.startdatum - coalesce(v.verzoekdatum, t.eerste_toewijzingsdatum)) as wachtdagen
  from toewijzingen t
  join eerste_start s using (gemeente, toewijzingnummer)
  left join verzoek v
    on v.gemeente = t.gemeente and v.aanbieder_agb = t.aanbieder_agb
    and v.referentie_aanbieder = t.referentie_aanbieder
  cross join peildatum p
  where s.startdatum <= p.peildatum
),

in_periode as (
  select g.gebied, pe.periode, w.*
  from wachttijden w
  join gebieden g using (gemeente)
  join perioden pe on w.startdatum between pe.begindatum and pe.einddatum
),

per_dimensie as (
  select gebied, periode, 'totaal' as dimensie, 'totaal' as dimensie_waarde, wachtdagen from in_periode
  union all
  select gebied, periode, 'hulpvorm', hulpvorm, wachtdagen from in_periode
  union all
  select gebied, periode, 'aanbieder', aanbieder_agb, wachtdagen from in_periode
),

geteld as (
  select
    gebied, periode, dimensie, dimensie_waarde,
    median(wachtdagen::double) as mediaan,
    count(*) filter (where wachtdagen <= 28) as binnen_28,
    count(*) as noemer
  from per_dimensie
  group by all
),

final as (
  select
    gebied as gemeente, periode, 'tijdigheid_mediaan_dagen' as indicator, dimensie, dimensie_waarde,
    null::bigint as teller, noemer, mediaan as waarde, null::double as ci_laag, null::double as ci_hoog
  from geteld
  union all
  select
    gebied, periode, 'tijdigheid_binnen_28_dagen', dimensie, dimensie_waarde,
    binnen_28, noemer, binnen_28 / noemer, wilson_laag(binnen_28, noemer), wilson_hoog(binnen_28, noemer)
  from geteld
)

select * from final
