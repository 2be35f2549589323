-- Up Migration
-- A file's row is written when it is stored and rewritten when it is deleted. Room left on each page
-- lets that rewrite stay on the page as a heap-only tuple (no indexed column changes), instead of
-- adding an entry to both indexes. Applies to pages written from now on; rebuild copies the setting.
alter table metering.file_intervals set (fillfactor = 80);

-- Down Migration
alter table metering.file_intervals reset (fillfactor);
