-- @table De geldende toewijzingen (indicators.md §1 Toewijzing, Hulpvorm): per gemeente en
--   toewijzingnummer de versie met de laatste (Toewijzingsdatum, Toewijzingstijd); toewijzingen waarvan
--   die versie RedenWijziging 13 heeft, zijn weggelaten (ze hebben nooit bestaan). Met de CBS-hulpvorm.
-- @grain one row per gemeente × toewijzingnummer
-- @column gemeente CBS-code van de gemeente die toewijst; de gemeente van alle zorg op deze toewijzing
-- @column toewijzingnummer ToewijzingNummer; uniek binnen de gemeente
-- @column client_id Pseudoniem van de jeugdige
-- @column aanbieder_agb AGB-code van de aanbieder
-- @column productcategorie JZ020-productcategorie
-- @column productcode Productcode, indien gegeven
-- @column hulpvorm CBS-hulpvorm (01-04, 11-14); leeg als het geen jeugdhulp is
-- @column soort jeugdhulp, vervoer, jeugdreclassering, jeugdbescherming of preventief_justitieel
-- @column met_verblijf true = jeugdhulp met verblijf (hulpvorm 11-14); leeg als het geen jeugdhulp is
-- @column eerste_toewijzingsdatum Toewijzingsdatum van de eerste versie
-- @column toewijzingsdatum Toewijzingsdatum van de geldende versie
-- @column ingangsdatum Ingangsdatum van de geldende versie
-- @column einddatum Einddatum van de geldende versie; leeg = onbepaald
-- @column budget_cent Toegewezen budget in eurocent (geldende versie)
-- @column geboortejaar Geboortejaar van de jeugdige
-- @column geboortemaand Geboortemaand van de jeugdige (1-12)
-- @column referentie_aanbieder ReferentieAanbieder van de geldende versie, of anders van de laatste
--   versie die er een had (koppeling met het JW315-verzoek)
-- @column aantal_versies Aantal versies van deze toewijzing
-- @column bron ijw of clientbestand (herkomst van de geldende versie)
-- @test unique: gemeente, toewijzingnummer
-- @test not_null: gemeente, toewijzingnummer, client_id, aanbieder_agb, soort, ingangsdatum, toewijzingsdatum, bron
-- @test accepted_values soort: jeugdhulp, vervoer, jeugdreclassering, jeugdbescherming, preventief_justitieel
-- @test accepted_values hulpvorm: 01, 02, 03, 04, 11, 12, 13, 14
-- @test relationship hulpvorm: ref.hulpvormen.hulpvorm
--
-- Categories 47, 48 and 49 are set apart before the product list is consulted: their codes map to
-- CBS codes of jeugdbescherming and jeugdreclassering (e.g. 11, 31), which would otherwise be read
-- as hulpvormen. The list also gives such codes under a jeugdhulp category (a 48A03 delivered as 45):
-- only a hulpvorm of jeugdhulp (ref.hulpvormen) is taken from the list, any other code maps through its
-- category. A product whose category is unknown to ref.categorie_hulpvorm and whose code is not in the
-- list cannot be classified; it is left out here and counted in core.datakwaliteit.
with

versies as (select * from staging.toewijzing_versies),
hulpvormen as (select * from ref.hulpvormen),
producten as (
  select productcode, hulpvorm from ref.producten where hulpvorm in (select hulpvorm from hulpvormen)
),
categorieen as (select * from ref.categorie_hulpvorm),

geordend as (
  select
    *,
    row_number() over (
      partition by gemeente, toewijzingnummer
      order by toewijzingsdatum desc, toewijzingstijd desc, dagtekening desc, bestand desc, seq desc
    ) as volgorde,
    min(toewijzingsdatum) over (partition by gemeente, toewijzingnummer) as eerste_toewijzingsdatum,
    count(*) over (partition by gemeente, toewijzingnummer) as aantal_versies,
    last_value(referentie_aanbieder ignore nulls) over (
      partition by gemeente, toewijzingnummer
      order by toewijzingsdatum, toewijzingstijd, dagtekening, bestand, seq
      rows between unbounded preceding and unbounded following
    ) as laatste_referentie
  from versies
),

huidig as (
  select * from geordend
  where volgorde = 1 and coalesce(reden_wijziging, '') <> '13'
),

ingedeeld as (
  select
    h.*,
    case
      when h.productcategorie in ('47', '48', '49') then c.soort
      when p.hulpvorm is not null then 'jeugdhulp'
      else c.soort
    end as soort_ingedeeld,
    case
      when h.productcategorie in ('47', '48', '49') then null
      else coalesce(p.hulpvorm, c.hulpvorm)
    end as hulpvorm_ingedeeld
  from huidig h
  left join producten p on p.productcode = h.productcode
  left join categorieen c on c.productcategorie = h.productcategorie
),

final as (
  select
    i.gemeente, i.toewijzingnummer, i.client_id, i.aanbieder_agb,
    i.productcategorie, i.productcode,
    i.hulpvorm_ingedeeld as hulpvorm,
    i.soort_ingedeeld as soort,
    hv.met_verblijf,
    i.eerste_toewijzingsdatum, i.toewijzingsdatum, i.ingangsdatum, i.einddatum, i.budget_cent,
    i.geboortejaar, i.geboortemaand,
    coalesce(i.referentie_aanbieder, i.laatste_referentie) as referentie_aanbieder,
    i.aantal_versies,
    i.bron
  from ingedeeld i
  left join hulpvormen hv on hv.hulpvorm = i.hulpvorm_ingedeeld
  where i.soort_ingedeeld is not null
    and (i.soort_ingedeeld <> 'jeugdhulp' or i.hulpvorm_ingedeeld is not null)
)

select * from final
