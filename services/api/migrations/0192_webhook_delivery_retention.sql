-- Up Migration
-- The retention sweep (webhooks/delivery-retention.ts, decision 018) deletes finished deliveries
-- whose last attempt is older than WEBHOOK_DELIVERY_RETENTION_DAYS, a few thousand per statement.
-- This index lets each statement walk straight to the oldest finished rows; pending ones, which the
-- sweep never touches, are not in it (the due index covers them).
create index webhook_deliveries_finished on webhook_deliveries (last_attempt_at) where status in ('delivered', 'failed');

-- Down Migration
drop index webhook_deliveries_finished;
