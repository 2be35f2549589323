-- Up Migration
-- Presign admits uploads through these functions (files/upload-admissions.ts, decision 008).

-- The past-due rule, in one place for every statement that needs it (billing/standing.ts).
-- A SQL function the planner inlines, so callers pay nothing for the indirection.
create function account_past_due(account uuid) returns boolean
language sql stable as $$
  select exists (
    select 1 from billing_invoices i
    where i.account_id = account and i.payment_failed_at is not null and i.paid_at is null and i.status <> 'void'
  )
$$;

-- Admits a batch of presigns in one round trip, each exactly as it would be admitted alone:
-- refused while its account is past due; for an account with a quota or a spend cap, its bytes are
-- reserved only if the account stays within both, checked on the locked, current account row (so
-- concurrent presigns cannot both pass); the upload row is written only when admitted.
-- Accounts are visited in id order, so two batches locking the same accounts cannot deadlock, and
-- one account's uploads in the order given. PL/pgSQL keeps each statement's plan for the session,
-- which takes the planning off every presign.
-- Returns one row per upload: used_before_bytes is what the account held (stored plus reserved)
-- before this upload, and null when refused.
create function admit_uploads(
  upload_ids uuid[],
  account_ids uuid[],
  object_keys text[],
  names text[],
  sizes int8[],
  content_types text[],
  sha256s text[],
  part_sizes int8[],
  part_counts int4[],
  created_ats timestamptz[],
  default_quota_bytes int8,
  default_ceiling_micros int8,
  price_micros int8
) returns table (upload_id uuid, refused_past_due boolean, used_before_bytes int8)
language plpgsql as $$
declare
  i int;
  is_limited boolean;
  in_use int8;
begin
  for i in
    select s.i from generate_subscripts(upload_ids, 1) as s(i) order by account_ids[s.i], s.i
  loop
    upload_id := upload_ids[i];
    refused_past_due := account_past_due(account_ids[i]);
    used_before_bytes := null;
    if not refused_past_due then
      select a.stored_bytes + a.reserved_bytes,
             coalesce(a.storage_quota_bytes, default_quota_bytes) is not null
               or least(a.spend_cap_micros, coalesce(a.spend_cap_ceiling_micros, default_ceiling_micros)) is not null
        into in_use, is_limited
        from accounts a where a.id = account_ids[i];
      if found and not is_limited then
        -- Unlimited accounts never lock their account row.
        used_before_bytes := in_use;
      elsif found then
        update accounts a set reserved_bytes = a.reserved_bytes + sizes[i]
        where a.id = account_ids[i]
          and a.stored_bytes + a.reserved_bytes + sizes[i]
            <= coalesce(a.storage_quota_bytes, default_quota_bytes, 9007199254740991)
          and (least(a.spend_cap_micros, coalesce(a.spend_cap_ceiling_micros, default_ceiling_micros)) is null
            or (a.stored_bytes + a.reserved_bytes + sizes[i])::numeric * price_micros
              <= least(a.spend_cap_micros, coalesce(a.spend_cap_ceiling_micros, default_ceiling_micros))::numeric * 1073741824)
        returning a.stored_bytes + a.reserved_bytes - sizes[i] into used_before_bytes;
      end if;
      if used_before_bytes is not null then
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, sha256, part_size, part_count, created_at, reserved)
        values (upload_ids[i], account_ids[i], object_keys[i], names[i], sizes[i], content_types[i], sha256s[i],
          part_sizes[i], part_counts[i], created_ats[i], is_limited);
      end if;
    end if;
    return next;
  end loop;
end
$$;

-- Down Migration
drop function admit_uploads;
drop function account_past_due;
