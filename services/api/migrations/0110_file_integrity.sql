-- Up Migration
-- What storage said about a file's object when the file was stored, so reconciliation can tell
-- when the object no longer is what was verified and billed (keys are write-once through the API,
-- so only something behind its back can change one).
--   sha256            (existing column) now recorded whenever storage reports or computes it, not
--                     only when the client declared one: base64, as presign's sha256 is stored.
--   object_checksum   the strongest whole-object checksum storage reported, '<algorithm>:<base64>'
--                     ('sha256:…'; S3 without a declared SHA-256 reports 'crc64nvme:…').
--   object_etag       storage's ETag, without quotes; it changes whenever other bytes are written.
-- Both are null for files stored before this migration; reconciliation then checks the size alone.
-- A mismatch found by reconciliation is kept on the row (what differed, and when it was first
-- seen) and never cleared by the sweep itself; billing is untouched by it.
alter table files
  add column object_checksum text,
  add column object_etag text,
  add column integrity_mismatch text,
  add column integrity_mismatch_at timestamptz(3);
create index files_integrity_mismatch on files (integrity_mismatch_at) where integrity_mismatch_at is not null;

-- Down Migration
drop index files_integrity_mismatch;
alter table files
  drop column object_checksum,
  drop column object_etag,
  drop column integrity_mismatch,
  drop column integrity_mismatch_at;
