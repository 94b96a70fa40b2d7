-- meta: what was delivered, what was rejected, and every run. Created by `ensureWarehouse`.
create schema if not exists meta;

create table if not exists meta.deliveries (
  delivery_id       varchar primary key,   -- sha256 of gemeente + file name + content hash (stable across runs)
  gemeente          varchar not null,      -- CBS code of the inbox folder, e.g. GM0193
  file_name         varchar not null,      -- path inside the gemeente's inbox folder, e.g. ijw_2025.zip
  member_name       varchar,               -- the entry inside a zip, when the file came from one
  sha256            varchar not null,      -- hash of the bytes as delivered
  size_bytes        bigint not null,
  file_type         varchar not null,      -- ijw | uitkomsten | clientbestand | onbekend
  file_date         date,                  -- the date in the file name (yyyymmdd), if any
  received_at       timestamp,             -- file modification time in the inbox
  loaded_at         timestamp not null,
  run_id            varchar,
  result            varchar not null,      -- geladen | deels_afgewezen | afgewezen | dubbel | overgeslagen
  reason            varchar,               -- why a file was rejected or skipped (plain Dutch)
  message_code      varchar,               -- iJw: JW301, JW305 …
  records_read      bigint not null default 0,
  records_loaded    bigint not null default 0,
  records_quarantined bigint not null default 0,
  records_skipped   bigint not null default 0,
  archive_path      varchar                -- where the bytes are kept: archive/<sha256[0:2]>/<sha256>
);

create table if not exists meta.quarantine (
  delivery_id   varchar not null,
  gemeente      varchar not null,
  file_name     varchar not null,
  member_name   varchar,
  line          bigint,                   -- line (CSV), row (XLSX) or product index (XML), 1-based
  element_path  varchar,                  -- XML element path, e.g. /Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum
  column_name   varchar,
  value         varchar,                  -- the offending value; personal fields (bsn) are never kept: '[bsn]'
  rule          varchar not null,         -- machine code: bsn_elfproef, datum_ongeldig, code_onbekend, …
  reason        varchar not null,         -- plain Dutch for the municipality's data officer
  record_key    varchar                   -- toewijzingnummer or other key, when known
);

create table if not exists meta.runs (
  run_id        varchar primary key,
  started_at    timestamp not null,
  ended_at      timestamp,
  status        varchar not null,         -- running | ok | rejected | failed
  peildatum     date,
  summary       json,                     -- counts per gemeente, per step
  error         varchar
);
