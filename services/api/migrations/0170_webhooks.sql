-- Up Migration
-- Developer webhooks (issue 16, decision 018). An endpoint is where an account wants to hear about
-- its events; a delivery is one event owed to one endpoint, fanned out from the outbox by the
-- dispatcher (its own cursor below) and sent with retries until delivered or given up.
create table webhook_endpoints (
  id uuid primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  url text not null,
  event_types text[] not null check (cardinality(event_types) > 0),
  -- Filters of file events: the file is in this folder (at any depth) and/or carries this tag.
  folder_id uuid references folders (id),
  tag text,
  -- Standard Webhooks secrets (`whsec_` + base64 key). Kept readable: every delivery is signed
  -- with them. The previous one keeps signing beside the new one until it expires (rotation).
  secret text not null,
  previous_secret text,
  previous_secret_expires_at timestamptz(3),
  -- Since when every attempt has failed (null after any success); too long and the endpoint is disabled.
  failing_since timestamptz(3),
  disabled_at timestamptz(3),
  disabled_reason text,
  created_at timestamptz(3) not null
);
create index webhook_endpoints_by_account on webhook_endpoints (account_id, created_at, id);

create table webhook_deliveries (
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  -- The outbox event, also the `webhook-id` header: the same on every retry and replay.
  event_id uuid not null,
  account_id uuid not null references accounts (id) on delete cascade,
  event_type text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  -- Attempts started since the delivery was made or last replayed.
  attempts integer not null default 0,
  -- When a sender may take it next. A sender that claims it pushes this out by a lease, so a sender
  -- killed mid-send leaves it to be taken again once the lease runs out.
  next_attempt_at timestamptz(3) not null,
  last_attempt_at timestamptz(3),
  last_status_code integer,
  last_error text,
  last_latency_ms integer,
  -- When the event was written to the outbox: commit-to-delivery latency is measured from it.
  event_created_at timestamptz not null,
  delivered_at timestamptz(3),
  created_at timestamptz(3) not null,
  primary key (endpoint_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_by_account on webhook_deliveries (account_id);

-- Where the dispatcher stands in the outbox (decision 003's commit-safe order). One row per name;
-- dispatchers lock it while they fan out a batch, so several instances take turns.
create table webhook_dispatch_cursors (
  name text primary key,
  transaction_id xid8 not null default '0',
  position bigint not null default -1,
  updated_at timestamptz not null default now()
);
-- No endpoint exists before this migration, so the dispatcher starts at the end of the log instead
-- of reading all of history to fan it out to nobody. (Replay reads the outbox itself.)
insert into webhook_dispatch_cursors (name, transaction_id, position)
select 'webhooks', transaction_id, position from outbox order by transaction_id desc, position desc limit 1;

-- Down Migration
drop table webhook_dispatch_cursors;
drop table webhook_deliveries;
drop table webhook_endpoints;
