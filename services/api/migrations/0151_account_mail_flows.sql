-- Up Migration
-- Password reset, email verification and the profile (decision 016).

-- Null until the address was confirmed by a link mailed to it. Accounts made before verification
-- existed are taken as verified: they were never asked, and capping their storage now would break
-- what they already do.
alter table accounts
  add column email_verified_at timestamptz(3),
  add column display_name text check (char_length(display_name) between 1 and 100),
  -- An address change waiting for its link to be used; the account keeps `email` until then.
  add column pending_email text;
update accounts set email_verified_at = created_at;

-- Single-use links. Only SHA-256 of the token is stored, so a database dump opens nothing.
-- `email` is the address the link was mailed to: a reset link works only while it is still the
-- account's address, and a verification link confirms exactly that address.
create table password_reset_tokens (
  token_hash bytea primary key check (octet_length(token_hash) = 32),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  created_at timestamptz(3) not null,
  expires_at timestamptz(3) not null,
  used_at timestamptz(3)
);
create index password_reset_tokens_account on password_reset_tokens (account_id);

create table email_verification_tokens (
  token_hash bytea primary key check (octet_length(token_hash) = 32),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  -- `verify`: confirms the account's address; `change`: makes `email` the account's address.
  purpose text not null check (purpose in ('verify', 'change')),
  created_at timestamptz(3) not null,
  expires_at timestamptz(3) not null,
  used_at timestamptz(3)
);
create index email_verification_tokens_account on email_verification_tokens (account_id);

-- Down Migration
drop table email_verification_tokens;
drop table password_reset_tokens;
alter table accounts drop column pending_email, drop column display_name, drop column email_verified_at;
