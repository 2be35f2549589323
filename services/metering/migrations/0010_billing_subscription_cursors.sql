-- Up Migration
-- The reporter's cursor is per Stripe subscription (billing_subscriptions, API migration 0110), so a
-- resubscribe starts a cursor of its own instead of resetting the account's and losing the hours the
-- previous subscription still had to report. Decision 006.
alter table billing_report_cursors
  add column subscription_id text,
  -- The unit reported_units counts in; the reporter refuses to run with another BILLING_METER_UNIT.
  add column unit text;
update billing_report_cursors c set subscription_id = b.subscription_id
from billing_accounts b where b.account_id = c.account_id;
delete from billing_report_cursors where subscription_id is null;

-- reported_units was the most whole units ever reported, absolute (floor(cum / unit)) against a
-- baseline read once. It becomes the net units reported for the subscription (corrections are signed
-- and the baseline is re-read every pass), which is what its recorded reports add up to.
update billing_report_cursors c set reported_units = coalesce((
  select sum(r.value) from billing_meter_reports r join billing_accounts b using (account_id)
  where r.account_id = c.account_id and r.hour_start_ms >= b.report_from_ms), 0);
update billing_report_cursors c set unit = coalesce(
  (select case r.meter_event_name when 'baketsu_storage_kib_hours' then 'KiB-hour' when 'baketsu_storage_mib_hours' then 'MiB-hour'
                                  when 'baketsu_storage_gib_hours' then 'GiB-hour' end
   from billing_meter_reports r where r.account_id = c.account_id order by r.hour_start_ms desc limit 1),
  (select k.unit from billing_catalog k order by k.created_at desc limit 1));

alter table billing_report_cursors
  alter column subscription_id set not null,
  alter column reported_units set not null,
  alter column reported_units set default 0,
  drop constraint billing_report_cursors_pkey,
  add primary key (subscription_id);
create index billing_report_cursors_account on billing_report_cursors (account_id);

-- Values are signed: a negative one corrects usage reported before late events lowered it. Stripe
-- takes at most 15 significant digits (since 2026-04-22), so no value reaches 10^15.
alter table billing_meter_reports
  add column subscription_id text,
  drop constraint billing_meter_reports_value_check,
  add constraint billing_meter_reports_value_check check (value <> 0 and abs(value) < 1000000000000000);
update billing_meter_reports r set subscription_id = b.subscription_id
from billing_accounts b where b.account_id = r.account_id and r.hour_start_ms >= b.report_from_ms;
create index billing_meter_reports_subscription on billing_meter_reports (subscription_id);

-- Down Migration
drop index billing_meter_reports_subscription;
alter table billing_meter_reports
  drop constraint billing_meter_reports_value_check,
  add constraint billing_meter_reports_value_check check (value > 0),
  drop column subscription_id;
drop index billing_report_cursors_account;
alter table billing_report_cursors drop constraint billing_report_cursors_pkey;
delete from billing_report_cursors c where exists (
  select 1 from billing_report_cursors o where o.account_id = c.account_id and o.reported_through_ms > c.reported_through_ms);
alter table billing_report_cursors add primary key (account_id), alter column reported_units drop not null,
  alter column reported_units drop default, drop column subscription_id, drop column unit;
