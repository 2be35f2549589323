-- Up Migration
-- Idempotency-Key on POST /v1/files/presign (platform/idempotency.ts): a retried request with the
-- same key gets the first one's answer instead of reserving a second upload.
create table idempotency_keys (
  account_id uuid not null references accounts (id) on delete cascade,
  key text not null,
  -- What the first request asked for: the same key with a different request is refused.
  fingerprint text not null,
  -- Null while the first request is still being answered.
  status_code integer,
  body jsonb,
  created_at timestamptz not null,
  primary key (account_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);

-- Down Migration
drop table idempotency_keys;
