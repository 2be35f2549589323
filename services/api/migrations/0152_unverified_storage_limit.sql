-- Up Migration
-- An account whose address is not yet confirmed stores at most `unverified_limit_bytes` (decision
-- 016): admit_uploads gains that one parameter and applies it like a quota (the smaller of the two
-- wins). Everything else is as in migration 0070.
drop function admit_uploads(uuid[], uuid[], text[], text[], int8[], text[], text[], int8[], int4[], timestamptz[], int8, int8, int8);

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
  price_micros int8,
  unverified_limit_bytes int8
) returns table (upload_id uuid, refused_past_due boolean, used_before_bytes int8)
language plpgsql as $$
declare
  i int;
  is_limited boolean;
  in_use int8;
  quota int8;
begin
  for i in
    select s.i from generate_subscripts(upload_ids, 1) as s(i) order by account_ids[s.i], s.i
  loop
    upload_id := upload_ids[i];
    refused_past_due := account_past_due(account_ids[i]);
    used_before_bytes := null;
    if not refused_past_due then
      -- least() skips nulls: the smaller of the quota and, until the address is confirmed, the unverified limit.
      select l.in_use, l.quota, l.quota is not null or l.cap is not null
        into in_use, quota, is_limited
        from (
          select a.stored_bytes + a.reserved_bytes as in_use,
                 least(coalesce(a.storage_quota_bytes, default_quota_bytes),
                       case when a.email_verified_at is null then unverified_limit_bytes end) as quota,
                 least(a.spend_cap_micros, coalesce(a.spend_cap_ceiling_micros, default_ceiling_micros)) as cap
          from accounts a where a.id = account_ids[i]) l;
      if found and not is_limited then
        -- Unlimited accounts never lock their account row.
        used_before_bytes := in_use;
      elsif found then
        update accounts a set reserved_bytes = a.reserved_bytes + sizes[i]
        where a.id = account_ids[i]
          and a.stored_bytes + a.reserved_bytes + sizes[i]
            <= coalesce(quota, 9007199254740991)
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
drop function admit_uploads(uuid[], uuid[], text[], text[], int8[], text[], text[], int8[], int4[], timestamptz[], int8, int8, int8, int8);
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
