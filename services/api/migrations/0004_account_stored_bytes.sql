-- Up Migration
-- Running totals kept in the same statements that change files and uploads, so the quota check at
-- presign reads one row however many files or uploads in flight the account has.
--   stored_bytes:   bytes of files in status 'stored'
--   reserved_bytes: bytes declared by uploads in status 'pending' that reserved them (uploads.reserved);
--                   an account with no quota and no cap reserves nothing, so its presigns never queue
--                   on its account row. Reconciliation aborts stale uploads, which releases them.
alter table uploads add column reserved boolean not null default false;
alter table accounts
  add column stored_bytes bigint not null default 0 check (stored_bytes >= 0),
  add column reserved_bytes bigint not null default 0 check (reserved_bytes >= 0);
update accounts a set
  stored_bytes = coalesce((select sum(size_bytes) from files f where f.account_id = a.id and f.status = 'stored'), 0),
  reserved_bytes = 0;

-- Down Migration
alter table accounts drop column stored_bytes, drop column reserved_bytes;
alter table uploads drop column reserved;
