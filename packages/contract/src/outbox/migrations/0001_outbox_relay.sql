-- Up Migration
-- Where the Kafka relay stands in the outbox. Its own migration set (table pgmigrations_outbox_relay)
-- so it never interleaves with the API's numbered migrations. One row per relay name; every relay
-- instance locks the row while it publishes, so several instances never publish out of order.
create table outbox_relay_cursors (
  name text primary key,
  transaction_id xid8 not null default '0',
  position bigint not null default -1,
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table outbox_relay_cursors;
