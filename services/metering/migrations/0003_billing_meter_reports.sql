-- Up Migration
-- The meter reports are metering's: only its hourly reporter writes and reads them. They were first
-- created by the API's migration 0050_billing.sql, which has run in every existing database and so
-- stays as it is (decision 012); this migration takes the table over. `if not exists` makes it a
-- no-op wherever 0050 already made it, and any later change to the table belongs here, in metering.
-- Every meter event, written before it is sent: a crash after sending resends the same identifier.
-- status: pending (to send), sent, failed (Stripe refused it), expired (older than Stripe accepts).
create table if not exists billing_meter_reports (
  account_id uuid not null references accounts (id) on delete cascade,
  hour_start_ms bigint not null,
  identifier text not null unique,
  stripe_customer_id text not null,
  meter_event_name text not null,
  value numeric not null check (value > 0),
  cum_byte_ms numeric not null,
  status text not null check (status in ('pending', 'sent', 'failed', 'expired')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  sent_at timestamptz,
  primary key (account_id, hour_start_ms)
);
create index if not exists billing_meter_reports_pending on billing_meter_reports (stripe_customer_id, hour_start_ms) where status = 'pending';

-- Down Migration
-- Nothing: the table may predate this migration (API 0050), whose own down migration drops it.
