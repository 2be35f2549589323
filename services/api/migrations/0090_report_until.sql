-- Up Migration
-- When a subscription ends, its usage up to the end still has to reach Stripe: hours are reported
-- only once closed and past a grace period, so the last one or two were still unreported when
-- `customer.subscription.deleted` stopped the reporter. Reporting now goes on up to this instant
-- (the subscription's end, epoch ms; the last, partial hour included), then stops.
alter table billing_accounts add column report_until_ms bigint;

-- Down Migration
alter table billing_accounts drop column report_until_ms;
