-- test: einde_niet_voor_begin
select episode_id, begindatum, einddatum from core.episodes where einddatum < begindatum

-- test: open_heeft_geen_einde
select episode_id, is_open, einddatum from core.episodes where is_open <> (einddatum is null)
