-- Up Migration
-- Per-account limits. NULL means "the operator default from configuration".
-- storage_quota_bytes and spend_cap_ceiling_micros are set by the operator; spend_cap_micros is the
-- account's own cap, which may only be at or below the ceiling.
alter table accounts
  add column storage_quota_bytes bigint check (storage_quota_bytes >= 0),
  add column spend_cap_ceiling_micros bigint check (spend_cap_ceiling_micros >= 0),
  add column spend_cap_micros bigint check (spend_cap_micros >= 0);

-- One row per presign. The object key is chosen by the server and never reused.
create table uploads (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  object_key text not null unique,
  name text not null,
  size_bytes bigint not null check (size_bytes > 0),
  content_type text not null,
  -- Base64 SHA-256 the client declared, bound into the signed URL.
  sha256 text,
  -- Multipart uploads only.
  multipart_id text,
  part_size bigint,
  part_count integer,
  status text not null default 'pending' check (status in ('pending', 'completed', 'aborted', 'failed')),
  file_id uuid,
  created_at timestamptz(3) not null,
  finished_at timestamptz(3)
);
create index uploads_account on uploads (account_id, created_at);
-- What the quota check sums and what reconciliation ages out.
create index uploads_pending on uploads (created_at) where status = 'pending';

-- Rows are kept after deletion (status 'deleted') so every billed byte-hour stays traceable.
-- 'deleting' means: no longer billed (file.deleted is in the outbox) but the object may still exist;
-- the sweeper removes it and only then moves the row to 'deleted'.
create table files (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  upload_id uuid not null unique references uploads (id),
  object_key text not null unique,
  name text not null,
  size_bytes bigint not null check (size_bytes > 0),
  content_type text not null,
  sha256 text,
  tags text[] not null default '{}',
  status text not null default 'stored' check (status in ('stored', 'deleting', 'deleted')),
  -- Millisecond precision so a keyset cursor carrying an epoch-ms value compares exactly.
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null,
  deleted_at timestamptz(3)
);
create index files_by_created on files (account_id, created_at, id) where status = 'stored';
create index files_by_name on files (account_id, name collate "C", id) where status = 'stored';
create index files_by_size on files (account_id, size_bytes, id) where status = 'stored';
create index files_tags on files using gin (tags) where status = 'stored';
create index files_deleting on files (deleted_at) where status = 'deleting';

-- Down Migration
drop table files;
drop table uploads;
alter table accounts drop column storage_quota_bytes, drop column spend_cap_ceiling_micros, drop column spend_cap_micros;
