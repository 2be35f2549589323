-- Up Migration
-- One row per Stripe subscription, written by the webhooks. billing_accounts keeps the account's
-- subscription in force (what GET /v1/billing shows); the reporter works per subscription, so a
-- resubscribe no longer replaces the previous subscription's reporting state before its last hours
-- were reported, and a deletion that arrives after the next subscription's creation still ends the
-- right one (decision 006).
create table billing_subscriptions (
  subscription_id text primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  stripe_customer_id text not null,
  status text not null,
  -- Stripe's `created` of the event that last changed it; older events are ignored.
  event_at bigint not null,
  current_period_start timestamptz,
  current_period_end timestamptz,
  -- Usage is reported from here (its start rounded up to the hour, never before the end of the
  -- account's previous subscription) up to report_until_ms (its end, once cancelled).
  report_from_ms bigint not null,
  report_until_ms bigint,
  -- A second live subscription of a customer that already has one (made in Stripe's dashboard or
  -- API, not by our checkout): never reported on, since Stripe bills a customer's meter usage on
  -- every subscription with a price on that meter; flagged on the account instead.
  duplicate_of text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index billing_subscriptions_account on billing_subscriptions (account_id);

-- Set while the account has a duplicate live subscription (see above); cleared when it ends.
alter table billing_accounts
  add column duplicate_subscription_id text,
  add column duplicate_detected_at timestamptz;

insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, current_period_start,
                                   current_period_end, report_from_ms, report_until_ms)
select subscription_id, account_id, stripe_customer_id, coalesce(subscription_status, 'active'), coalesce(subscription_event_at, 0),
       current_period_start, current_period_end, report_from_ms, report_until_ms
from billing_accounts
where subscription_id is not null and stripe_customer_id is not null and report_from_ms is not null;

-- Down Migration
alter table billing_accounts drop column duplicate_subscription_id, drop column duplicate_detected_at;
drop table billing_subscriptions;
