-- meta.dialects: how each tabular file was read, against what its municipality's profile says
-- (delivery.md §3.4). One row per file and aspect (a date format: per column); a row with afwijkend
-- is a departure from the profile, shown in the municipality's data-quality section through
-- core.profielafwijkingen. Written in the file's transaction, with its meta.deliveries row.
create table if not exists meta.dialects (
  delivery_id   varchar not null,
  gemeente      varchar not null,
  file_name     varchar not null,
  aspect        varchar not null,        -- tekenset | scheidingsteken | aanhalingsteken | kopregel | datumformaat | decimaalteken
  kolom         varchar,                 -- the column, for datumformaat and decimaalteken
  profiel       varchar,                 -- what the profile says; null when it leaves the aspect to detection
  gelezen       varchar not null,        -- what the file was read with
  afwijkend     boolean not null,        -- gelezen departs from the profile
  omschrijving  varchar not null         -- plain Dutch, e.g. scheidingsteken ';' in plaats van ','
);
