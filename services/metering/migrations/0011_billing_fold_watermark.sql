-- Up Migration
-- How far metering's projection is known to be complete, for the reporter: an hour is billed only
-- once every outbox row committed before its end (plus the grace period) is folded, or after
-- BILLING_REPORT_MAX_WAIT_SECONDS. Decision 006.
create table billing_fold_watermark (
  singleton boolean primary key default true check (singleton),
  -- Outbox rows up to here, in read order (transaction id, position), were found in the projection.
  verified_transaction_id xid8 not null default '0',
  verified_position bigint not null default -1,
  -- Every outbox row committed before this instant (epoch ms, the reporter's clock) is folded.
  folded_through_ms bigint,
  updated_at timestamptz not null default now()
);

-- Written by each reporting pass: every transaction committed by at_ms has an id below snapshot_xmax. Once
-- the verified position has passed every outbox row below snapshot_xmax, at_ms is the new watermark.
create table billing_fold_checkpoints (
  at_ms bigint primary key,
  snapshot_xmax xid8 not null
);

-- Down Migration
drop table billing_fold_checkpoints;
drop table billing_fold_watermark;
