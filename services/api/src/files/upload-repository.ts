import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { pastDue } from '#src/billing/standing.js';

export const uploadRow = z.object({
  id: z.string(),
  account_id: z.string(),
  object_key: z.string(),
  name: z.string(),
  size_bytes: z.number(),
  content_type: z.string(),
  sha256: z.string().nullable(),
  multipart_id: z.string().nullable(),
  part_size: z.number().nullable(),
  part_count: z.number().nullable(),
  status: z.enum(['pending', 'completed', 'aborted', 'failed']),
  file_id: z.string().nullable(),
  created_at: z.number(),
});
export type UploadRow = z.infer<typeof uploadRow>;

const columns = sql.fragment`id, account_id, object_key, name, size_bytes, content_type, sha256, multipart_id,
  part_size, part_count, status, file_id, created_at`;

export interface NewUpload {
  id: string;
  accountId: string;
  objectKey: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string | null;
  partSize: number | null;
  partCount: number | null;
  createdAt: Date;
}

/** The configured defaults the limit check in SQL falls back to (see `effectiveLimits` for the rules). */
export interface SqlLimits {
  defaultQuotaBytes: number | null;
  defaultCeilingMicros: string | null;
  priceMicros: string;
}

export type UploadAdmission =
  | { admitted: true; /** Bytes stored and reserved before this upload. */ usedBefore: number }
  | { admitted: false; reason: 'past_due' | 'over_limits' };

export const uploadRepository = {
  /**
   * Inserts the upload and, when the account has a quota or a cap, reserves its bytes in the same
   * statement, only if the account stays within them (checked on the locked, current row, so
   * concurrent presigns cannot both pass). Returns the bytes in use before, or null when refused.
   */
  /**
   * Admits an upload in one statement: refused while the account is past due, else the limits are
   * checked and the bytes reserved (only for a limited account, so unlimited ones never contend on
   * their account row) and the upload row written.
   */
  async insertWithinLimits(db: CommonQueryMethods, upload: NewUpload, limits: SqlLimits): Promise<UploadAdmission> {
    const size = upload.size;
    const quota = sql.fragment`coalesce(a.storage_quota_bytes, ${limits.defaultQuotaBytes}::int8)`;
    const cap = sql.fragment`least(a.spend_cap_micros, coalesce(a.spend_cap_ceiling_micros, ${limits.defaultCeilingMicros}::int8))`;
    const row = await db.one(sql.type(z.object({ past_due: z.boolean(), used_before: z.number().nullable() }))`
      with standing as (
        select ${pastDue(upload.accountId)} as past_due
      ), account as (
        select a.id, a.stored_bytes + a.reserved_bytes as used, (${quota} is not null or ${cap} is not null) as limited
        from accounts a, standing where a.id = ${upload.accountId} and not standing.past_due
      ), reserved as (
        update accounts a set reserved_bytes = a.reserved_bytes + ${size}
        from account
        where a.id = account.id and account.limited
          and a.stored_bytes + a.reserved_bytes + ${size} <= coalesce(${quota}, ${Number.MAX_SAFE_INTEGER}::int8)
          and (${cap} is null
            or (a.stored_bytes + a.reserved_bytes + ${size})::numeric * ${limits.priceMicros}::numeric <= ${cap}::numeric * 1073741824)
        returning a.stored_bytes + a.reserved_bytes - ${size} as used_before, true as reserved
      ), admitted as (
        select used_before, reserved from reserved
        union all select used, false from account where not limited
      ), inserted as (
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, sha256, part_size, part_count, created_at, reserved)
        select ${upload.id}, ${upload.accountId}, ${upload.objectKey}, ${upload.name}, ${size}, ${upload.contentType},
          ${upload.sha256}, ${upload.partSize}, ${upload.partCount}, ${sql.timestamp(upload.createdAt)}, admitted.reserved
        from admitted
      )
      select standing.past_due, (select used_before::int8 from admitted) as used_before from standing`);
    if (row.past_due) return { admitted: false, reason: 'past_due' };
    if (row.used_before === null) return { admitted: false, reason: 'over_limits' };
    return { admitted: true, usedBefore: row.used_before };
  },

  async setMultipartId(db: CommonQueryMethods, id: string, multipartId: string): Promise<void> {
    await db.query(sql.unsafe`update uploads set multipart_id = ${multipartId} where id = ${id}`);
  },

  /** Scoped to the account: someone else's upload is indistinguishable from a missing one. */
  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(uploadRow)`select ${columns} from uploads where id = ${id} and account_id = ${accountId}`),

  findByKey: (db: CommonQueryMethods, objectKey: string) =>
    db.maybeOne(sql.type(uploadRow)`select ${columns} from uploads where object_key = ${objectKey}`),

  /**
   * Moves a pending upload to a final state and releases its reservation; false when it was no
   * longer pending (a concurrent call won).
   */
  async finish(
    db: CommonQueryMethods,
    id: string,
    status: 'completed' | 'aborted' | 'failed',
    at: Date,
    fileId: string | null = null,
  ): Promise<boolean> {
    const finished = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      with finished as (
        update uploads set status = ${status}, file_id = ${fileId}, finished_at = ${sql.timestamp(at)}
        where id = ${id} and status = 'pending'
        returning id, account_id, size_bytes, reserved
      ), released as (
        update accounts a set reserved_bytes = a.reserved_bytes - f.size_bytes from finished f where a.id = f.account_id and f.reserved
      )
      select id from finished`);
    return finished.length === 1;
  },

  /** This account's pending uploads, newest first: what a client with no state of its own can resume. */
  pendingOf: (db: CommonQueryMethods, accountId: string, limit: number) =>
    db.any(sql.type(uploadRow)`
      select ${columns} from uploads where account_id = ${accountId} and status = 'pending'
      order by created_at desc, id desc limit ${limit}`),

  /** Pending uploads created before `before`, oldest first. */
  pendingBefore: (db: CommonQueryMethods, before: Date, limit: number) =>
    db.any(sql.type(uploadRow)`
      select ${columns} from uploads where status = 'pending' and created_at < ${sql.timestamp(before)}
      order by created_at limit ${limit}`),
};
