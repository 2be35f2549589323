import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

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
  on_conflict: z.enum(['fail', 'rename', 'replace']),
});
export type UploadRow = z.infer<typeof uploadRow>;

/** The columns of `uploadRow`, for queries elsewhere (account deletion). */
export const uploadColumns = sql.fragment`id, account_id, object_key, name, size_bytes, content_type, sha256, multipart_id,
  part_size, part_count, status, file_id, created_at, on_conflict`;

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
  /** What an account with an unconfirmed address may store (decision 016); null: no such limit. */
  unverifiedLimitBytes: number | null;
}

const admissionRow = z.object({ upload_id: z.string(), refused_past_due: z.boolean(), used_before_bytes: z.number().nullable() });

export type UploadAdmission =
  | { admitted: true; /** Bytes stored and reserved before this upload. */ usedBefore: number }
  | { admitted: false; reason: 'past_due' | 'over_limits' };

export const uploadRepository = {
  /**
   * Admits a batch of uploads in one round trip (the `admit_uploads` function, migrations 0070 and 0152):
   * each is refused while its account is past due; else, for an account with a quota or a cap, its
   * bytes are reserved only if the account stays within them (checked on the locked, current row,
   * so concurrent presigns cannot both pass); the upload row is written only when admitted. One
   * admission per upload, in the order given.
   */
  async admit(db: CommonQueryMethods, uploads: readonly NewUpload[], limits: SqlLimits): Promise<UploadAdmission[]> {
    const rows = await db.any(sql.type(admissionRow)`
      select upload_id, refused_past_due, used_before_bytes from admit_uploads(
        ${sql.array(uploads.map((u) => u.id), 'uuid')},
        ${sql.array(uploads.map((u) => u.accountId), 'uuid')},
        ${sql.array(uploads.map((u) => u.objectKey), 'text')},
        ${sql.array(uploads.map((u) => u.name), 'text')},
        ${sql.array(uploads.map((u) => u.size), 'int8')},
        ${sql.array(uploads.map((u) => u.contentType), 'text')},
        ${sql.array(uploads.map((u) => u.sha256), 'text')},
        ${sql.array(uploads.map((u) => u.partSize), 'int8')},
        ${sql.array(uploads.map((u) => u.partCount), 'int4')},
        ${sql.array(uploads.map((u) => u.createdAt.toISOString()), 'timestamptz')},
        ${limits.defaultQuotaBytes}::int8, ${limits.defaultCeilingMicros}::int8, ${limits.priceMicros}::int8,
        ${limits.unverifiedLimitBytes}::int8)`);
    const byId = new Map(rows.map((row) => [row.upload_id, row]));
    return uploads.map((upload): UploadAdmission => {
      const row = byId.get(upload.id);
      if (row === undefined) throw new Error(`admit_uploads returned no row for upload ${upload.id}`);
      if (row.refused_past_due) return { admitted: false, reason: 'past_due' };
      if (row.used_before_bytes === null) return { admitted: false, reason: 'over_limits' };
      return { admitted: true, usedBefore: row.used_before_bytes };
    });
  },

  /** What completing does when the path is taken; uploads are admitted with the default, `fail`. */
  async setConflictPolicy(db: CommonQueryMethods, id: string, policy: 'rename' | 'replace'): Promise<void> {
    await db.query(sql.unsafe`update uploads set on_conflict = ${policy} where id = ${id}`);
  },

  async setMultipartId(db: CommonQueryMethods, id: string, multipartId: string): Promise<void> {
    await db.query(sql.unsafe`update uploads set multipart_id = ${multipartId} where id = ${id}`);
  },

  /** Scoped to the account: someone else's upload is indistinguishable from a missing one. */
  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(uploadRow)`select ${uploadColumns} from uploads where id = ${id} and account_id = ${accountId}`),

  findByKey: (db: CommonQueryMethods, objectKey: string) =>
    db.maybeOne(sql.type(uploadRow)`select ${uploadColumns} from uploads where object_key = ${objectKey}`),

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
      select ${uploadColumns} from uploads where account_id = ${accountId} and status = 'pending'
      order by created_at desc, id desc limit ${limit}`),

  /**
   * Pending uploads created before `before`, oldest first: the default expiry's, so not those of
   * accounts whose enabled abort_uploads lifecycle rule expires them instead.
   */
  pendingBefore: (db: CommonQueryMethods, before: Date, limit: number) =>
    db.any(sql.type(uploadRow)`
      select ${uploadColumns} from uploads where status = 'pending' and created_at < ${sql.timestamp(before)}
        and not exists (select 1 from lifecycle_rules r where r.account_id = uploads.account_id and r.action = 'abort_uploads' and r.enabled)
      order by created_at limit ${limit}`),

  /** One account's pending uploads created before `before`, oldest first. */
  pendingOfBefore: (db: CommonQueryMethods, accountId: string, before: Date, limit: number) =>
    db.any(sql.type(uploadRow)`
      select ${uploadColumns} from uploads where account_id = ${accountId} and status = 'pending' and created_at < ${sql.timestamp(before)}
      order by created_at, id limit ${limit}`),
};
