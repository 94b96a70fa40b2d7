-- Which release of RIJM made each run, so the history of a warehouse shows where it was upgraded.
alter table meta.runs add column if not exists release varchar;
