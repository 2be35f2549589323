-- Up Migration
-- Account deletion (issue 15, decision 017). The account row stays as a tombstone: metering's
-- ledger, the billing cursors and meter reports, the outbox and the kept file rows all name the
-- account id, and the last hours of a cancelled subscription are still reported after the request.
-- What identifies a person (email, password hash) is cleared at the request, so the address can
-- register again at once as a new, separate account.
alter table accounts
  alter column email drop not null,
  alter column password_hash drop not null,
  -- Set by the request (the deletion instant: every file's billing stops exactly here); from then on
  -- every sign-in, API key and share link has ended and nothing new may be written.
  add column deletion_requested_at timestamptz(3),
  -- Set by the deletion job once no file, upload or folder of the account is left.
  add column deleted_at timestamptz(3),
  add constraint accounts_deleted_after_request check (deleted_at is null or deletion_requested_at <= deleted_at),
  add constraint accounts_deleting_has_no_email check (deletion_requested_at is null or (email is null and password_hash is null));

-- What the deletion job claims (one account at a time per worker, SKIP LOCKED).
create index accounts_being_deleted on accounts (deletion_requested_at) where deletion_requested_at is not null and deleted_at is null;

-- Down Migration
drop index accounts_being_deleted;
alter table accounts
  drop constraint accounts_deleting_has_no_email,
  drop constraint accounts_deleted_after_request,
  drop column deleted_at,
  drop column deletion_requested_at;
