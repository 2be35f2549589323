-- Up Migration
-- Share links. A link targets exactly one thing: a file today, a folder once folders exist (its
-- foreign key is added with the folders table). The token itself is never stored: only its SHA-256,
-- which is what a request is looked up by. Counters live on the row and are moved by one guarded
-- UPDATE, so two concurrent downloads cannot both take a link's last download.
create table shares (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  file_id uuid references files (id),
  folder_id uuid,
  token_hash bytea not null unique check (octet_length(token_hash) = 32),
  -- bcrypt, as account passwords are; null means no password.
  password_hash text,
  expires_at timestamptz(3),
  max_downloads integer check (max_downloads > 0),
  download_count integer not null default 0 check (download_count >= 0),
  bytes_served bigint not null default 0 check (bytes_served >= 0),
  last_download_at timestamptz(3),
  revoked_at timestamptz(3),
  -- Millisecond precision so a keyset cursor carrying an epoch-ms value compares exactly.
  created_at timestamptz(3) not null,
  constraint shares_one_target check (num_nonnulls(file_id, folder_id) = 1),
  constraint shares_within_limit check (max_downloads is null or download_count <= max_downloads)
);
create index shares_by_created on shares (account_id, created_at, id);
create index shares_by_file on shares (file_id, created_at, id) where file_id is not null;

-- Password attempt counters of share links, shared by every API instance (rate-limiter-flexible's
-- Postgres store, made here so the API never needs DDL rights). Keys are "share-ip:<address>" and
-- "share-link:<share id>"; `expire` is epoch ms.
create table share_rate_limits (
  key text primary key,
  points integer not null default 0,
  expire bigint
);

-- Down Migration
drop table share_rate_limits;
drop table shares;
