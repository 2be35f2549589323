-- Up Migration
-- Usage alerts (issue 15, decision 017). An account's thresholds: a percentage of its monthly spend
-- cap in force, or an amount per month in micro-units. `threshold_key` names the threshold by its
-- value ('percent:80', 'amount:25000000'), so replacing the list with the same values keeps the
-- alerts already sent this month.
create table usage_alert_thresholds (
  account_id uuid not null references accounts (id) on delete cascade,
  threshold_key text not null,
  percent_of_cap integer check (percent_of_cap between 1 and 1000),
  amount_micros bigint check (amount_micros > 0),
  position smallint not null,
  primary key (account_id, threshold_key),
  check (num_nonnulls(percent_of_cap, amount_micros) = 1)
);

-- One row per threshold crossed per month: the unique key is what makes an alert happen once, however
-- many evaluators run and however often they restart (insert … on conflict do nothing, with the
-- usage.alert event and the mail in the same transaction).
create table usage_alerts (
  id uuid primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  -- The first day of the month (UTC) the projection was for.
  month date not null,
  threshold_key text not null,
  percent_of_cap integer,
  amount_micros bigint,
  -- The threshold as money, and the projected month's cost, when the crossing was found.
  threshold_micros bigint not null,
  projected_micros bigint not null,
  currency text not null,
  crossed_at timestamptz(3) not null,
  constraint usage_alerts_once unique (account_id, month, threshold_key)
);
create index usage_alerts_by_account on usage_alerts (account_id, crossed_at desc, id desc);

-- Down Migration
drop table usage_alerts;
drop table usage_alert_thresholds;
