-- Up Migration
create table api_keys (
  id uuid primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null,
  -- The first characters of the key, shown in lists so a person can tell keys apart.
  display_prefix text not null,
  -- SHA-256 of the whole key: keys are long random strings, so a fast hash is enough and lets
  -- every request find its key with one indexed lookup.
  secret_hash bytea not null unique,
  scopes text[] not null check (scopes <@ array['read', 'write', 'delete']::text[] and cardinality(scopes) > 0),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_account on api_keys (account_id, created_at desc);

-- Down Migration
drop table api_keys;
