-- Up Migration
-- Stripe objects made by `npm run billing -- setup`, keyed by what they were derived from, so a
-- changed price or unit gets a new price while the old ids stay for reconciliation.
create table billing_catalog (
  key text primary key,
  product_id text not null,
  meter_id text not null,
  meter_event_name text not null,
  price_id text not null,
  unit text not null,
  unit_amount_decimal text not null,
  currency text not null,
  created_at timestamptz not null default now()
);

-- One row per account that has touched billing. Standing (past due) is derived from invoices,
-- so out-of-order invoice webhooks cannot flip it the wrong way.
create table billing_accounts (
  account_id uuid primary key references accounts (id) on delete cascade,
  stripe_customer_id text unique,
  subscription_id text,
  subscription_status text,
  -- Stripe's `created` of the event that last changed the subscription; older events are ignored.
  subscription_event_at bigint,
  current_period_start timestamptz,
  current_period_end timestamptz,
  -- Usage is reported to Stripe from this instant (the subscription's start, rounded up to an hour).
  report_from_ms bigint,
  invoices_synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index billing_accounts_subscribed on billing_accounts (subscription_status) where subscription_id is not null;

create table billing_invoices (
  id text primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  status text not null,
  currency text not null,
  amount_due bigint not null,
  amount_paid bigint not null,
  period_start timestamptz,
  period_end timestamptz,
  hosted_invoice_url text,
  payment_failed_at timestamptz,
  paid_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null default now()
);
create index billing_invoices_account on billing_invoices (account_id, created_at desc);

-- Each Stripe event id is handled once: the row is written in the transaction that applies it.
create table billing_webhook_events (
  id text primary key,
  type text not null,
  stripe_created_at bigint not null,
  received_at timestamptz not null default now()
);

-- Where the hourly reporter stands per account: hours before reported_through_ms are done, and
-- reported_units is the most whole units ever reported (floor(cum / unit) at its best), so the
-- next hour sends floor(cum(next) / unit) - reported_units and the sum is exact. reported_units is
-- null until the first pass reads the baseline at the subscription's start.
create table billing_report_cursors (
  account_id uuid primary key references accounts (id) on delete cascade,
  reported_through_ms bigint not null,
  reported_units numeric,
  updated_at timestamptz not null default now()
);

-- Every meter event, written before it is sent: a crash after sending resends the same identifier.
-- status: pending (to send), sent, failed (Stripe refused it), expired (older than Stripe accepts).
create table billing_meter_reports (
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
create index billing_meter_reports_pending on billing_meter_reports (stripe_customer_id, hour_start_ms) where status = 'pending';

-- Down Migration
drop table billing_meter_reports;
drop table billing_report_cursors;
drop table billing_webhook_events;
drop table billing_invoices;
drop table billing_accounts;
drop table billing_catalog;
