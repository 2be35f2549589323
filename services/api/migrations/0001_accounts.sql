-- Up Migration
create table accounts (
  id uuid primary key,
  -- Stored normalised (trimmed, NFC, lower-cased) so uniqueness is a plain btree constraint.
  email text not null unique,
  password_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per sign-in; every refresh token of that sign-in belongs to it (its "family").
create table auth_sessions (
  id uuid primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text
);
create index auth_sessions_account on auth_sessions (account_id);

create table refresh_tokens (
  -- SHA-256 of the token; the token itself is never stored.
  token_hash bytea primary key,
  session_id uuid not null references auth_sessions (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index refresh_tokens_session on refresh_tokens (session_id);

-- Down Migration
drop table refresh_tokens;
drop table auth_sessions;
drop table accounts;
