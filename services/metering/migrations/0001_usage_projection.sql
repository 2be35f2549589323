-- Up Migration
-- Usage projections live in their own schema so a rebuild can fill a twin schema and swap it in
-- with two renames in one transaction. Cursors and dead letters stay outside: they describe the
-- consumers, not the projection.
create schema metering;

-- Times are epoch milliseconds (bigint) because all usage arithmetic is integer byte-ms.
create table metering.file_intervals (
  file_id uuid primary key,
  account_id uuid not null,
  size_bytes bigint not null,
  family text,
  stored_at_ms bigint,
  deleted_at_ms bigint
);
create index file_intervals_account on metering.file_intervals (account_id, stored_at_ms);

-- byte-ms up to t = closed_byte_ms + stored_bytes * t - open_start_weight (see usage-ledger.ts).
create table metering.account_usage (
  account_id uuid primary key,
  stored_bytes numeric not null default 0,
  file_count bigint not null default 0,
  closed_byte_ms numeric not null default 0,
  open_start_weight numeric not null default 0
);

create table metering.account_families (
  account_id uuid not null,
  family text not null,
  bytes numeric not null default 0,
  files bigint not null default 0,
  primary key (account_id, family)
);

-- Daily snapshots, difference-encoded: stored bytes at a day's end = running sum of bytes_delta;
-- the day's byte-ms = bytes held at its start * 86400000 + partial_byte_ms.
create table metering.account_days (
  account_id uuid not null,
  day date not null,
  bytes_delta numeric not null default 0,
  partial_byte_ms numeric not null default 0,
  primary key (account_id, day)
);

-- Where each consumer is, per stream partition. Kafka offsets use position with transaction_id 0;
-- the outbox reader uses (transaction_id, position). Only ever moves forward (guarded in SQL).
create table metering_cursors (
  consumer text not null,
  stream text not null,
  partition integer not null,
  transaction_id xid8 not null default '0',
  position bigint not null,
  updated_at timestamptz not null default now(),
  primary key (consumer, stream, partition)
);

create table metering_dead_letters (
  id bigint generated always as identity primary key,
  stream text not null,
  partition integer not null,
  transaction_id xid8 not null default '0',
  position bigint not null,
  raw text not null,
  reason text not null,
  received_at timestamptz not null default now(),
  unique (stream, partition, transaction_id, position)
);

-- Down Migration
drop table metering_dead_letters;
drop table metering_cursors;
drop schema metering cascade;
