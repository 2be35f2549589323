-- Up Migration
-- The permanent event log. Rows are written in the same transaction as the change they describe and
-- are never updated or deleted, so every projection can be rebuilt from here.
create table outbox (
  position bigint generated always as identity primary key,
  -- Readers order by (transaction_id, position) and only read below the oldest running transaction,
  -- so a row from a transaction that commits late is never skipped.
  transaction_id xid8 not null default pg_current_xact_id(),
  event_id uuid not null unique,
  account_id uuid not null,
  event_type text not null,
  event jsonb not null,
  created_at timestamptz not null default now()
);
create index outbox_read_order on outbox (transaction_id, position);
create index outbox_account on outbox (account_id, position);

create function outbox_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'outbox rows are permanent (% refused)', tg_op;
end;
$$;
create trigger outbox_append_only before update or delete on outbox
  for each row execute function outbox_is_append_only();

-- Down Migration
drop table outbox;
drop function outbox_is_append_only;
