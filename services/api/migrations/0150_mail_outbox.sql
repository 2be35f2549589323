-- Up Migration
-- Outgoing mail, written in the same transaction as the change that causes it (a reset request, a
-- new account) and sent by the mail worker, so a request never waits on SMTP and SMTP being down
-- loses nothing. The message is rendered when it is written: what is stored is what is sent.
create table mail_outbox (
  id uuid primary key,
  -- The account the mail is about; null for mail that must outlive its account (a goodbye note).
  -- Pending mail to a deleted account goes with it.
  account_id uuid references accounts (id) on delete cascade,
  recipient text not null,
  template text not null,
  subject text not null,
  -- Null once delivered over SMTP: a body may carry a single-use link the database need not keep.
  text_body text,
  html_body text,
  created_at timestamptz(3) not null,
  attempts integer not null default 0 check (attempts >= 0),
  -- When the worker may next try it. Claiming a row moves this past the claim's lease, so a worker
  -- that dies mid-send leaves the row due again after the lease, and no two workers send one row.
  next_attempt_at timestamptz(3) not null,
  last_error text,
  -- SMTP accepted it, or (no SMTP configured) it was kept for the dev mailbox.
  sent_at timestamptz(3),
  -- Given up after too many attempts; kept for the operator, never silently dropped.
  failed_at timestamptz(3)
);
create index mail_outbox_due on mail_outbox (next_attempt_at) where sent_at is null and failed_at is null;
create index mail_outbox_by_account on mail_outbox (account_id) where account_id is not null;
create index mail_outbox_by_recipient on mail_outbox (recipient, created_at);

-- Down Migration
drop table mail_outbox;
