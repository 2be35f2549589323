// Share links in PostgreSQL. Every query an account makes is scoped by its id in the same statement,
// so another account's link or file is simply not found.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const shareRow = z.object({
  id: z.string(),
  account_id: z.string(),
  file_id: z.string(),
  password_hash: z.string().nullable(),
  expires_at: z.number().nullable(),
  max_downloads: z.number().nullable(),
  download_count: z.number(),
  bytes_served: z.number(),
  last_download_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
  created_at: z.number(),
  file_name: z.string(),
  file_size: z.number(),
  file_content_type: z.string(),
  file_object_key: z.string(),
  file_status: z.enum(['stored', 'deleting', 'deleted']),
});
export type ShareRow = z.infer<typeof shareRow>;

// Only file shares exist so far, so the target is joined from files; folder shares will add theirs.
const shareColumns = sql.fragment`
  s.id, s.account_id, s.file_id, s.password_hash, s.expires_at, s.max_downloads, s.download_count, s.bytes_served,
  s.last_download_at, s.revoked_at, s.created_at,
  f.name as file_name, f.size_bytes as file_size, f.content_type as file_content_type, f.object_key as file_object_key,
  f.status as file_status`;
const selectShares = sql.fragment`select ${shareColumns} from shares s join files f on f.id = s.file_id`;

export interface NewFileShare {
  id: string;
  accountId: string;
  fileId: string;
  tokenHash: Buffer;
  passwordHash: string | null;
  expiresAt: Date | null;
  maxDownloads: number | null;
  createdAt: Date;
}

export interface ShareListQuery {
  accountId: string;
  limit: number;
  fileId?: string;
  /** Continue after this link (newest first). */
  after?: { createdAt: number; id: string };
}

const timestampOrNull = (at: Date | null) => (at === null ? null : sql.timestamp(at));

export const shareRepository = {
  /** Undefined when the file is not a stored file of this account: the link is made only to one's own files. */
  async insertForFile(db: CommonQueryMethods, share: NewFileShare): Promise<ShareRow | undefined> {
    const row = await db.maybeOne(sql.type(shareRow)`
      with s as (
        insert into shares (id, account_id, file_id, token_hash, password_hash, expires_at, max_downloads, created_at)
        select ${share.id}, f.account_id, f.id, ${sql.binary(share.tokenHash)}, ${share.passwordHash},
          ${timestampOrNull(share.expiresAt)}, ${share.maxDownloads}, ${sql.timestamp(share.createdAt)}
        from files f where f.id = ${share.fileId} and f.account_id = ${share.accountId} and f.status = 'stored'
        returning *
      )
      select ${shareColumns} from s join files f on f.id = s.file_id`);
    return row ?? undefined;
  },

  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(shareRow)`${selectShares} where s.id = ${id} and s.account_id = ${accountId}`),

  /** The public side: a link is known by its token's hash and nothing else. */
  findByTokenHash: (db: CommonQueryMethods, tokenHash: Buffer) =>
    db.maybeOne(sql.type(shareRow)`${selectShares} where s.token_hash = ${sql.binary(tokenHash)}`),

  async list(db: CommonQueryMethods, query: ShareListQuery): Promise<readonly ShareRow[]> {
    const conditions = [sql.fragment`s.account_id = ${query.accountId}`];
    if (query.fileId !== undefined) conditions.push(sql.fragment`s.file_id = ${query.fileId}`);
    if (query.after) {
      conditions.push(sql.fragment`(s.created_at, s.id) < (${sql.timestamp(new Date(query.after.createdAt))}, ${query.after.id})`);
    }
    return db.any(sql.type(shareRow)`
      ${selectShares} where ${sql.join(conditions, sql.fragment` and `)}
      order by s.created_at desc, s.id desc limit ${query.limit}`);
  },

  /** True when the link is this account's (revoking twice keeps the first time). */
  async revoke(db: CommonQueryMethods, accountId: string, id: string, at: Date): Promise<boolean> {
    const revoked = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      update shares set revoked_at = coalesce(revoked_at, ${sql.timestamp(at)})
      where id = ${id} and account_id = ${accountId} returning id`);
    return revoked !== null;
  },

  /**
   * Takes one download, if the link still allows one at `at`: one guarded UPDATE, so of two
   * concurrent requests for a last download the second re-reads the row the first committed and
   * finds nothing left (PostgreSQL re-checks the WHERE clause against the updated row). Undefined
   * when nothing was taken.
   */
  async takeDownload(db: CommonQueryMethods, id: string, at: Date): Promise<ShareRow | undefined> {
    const row = await db.maybeOne(sql.type(shareRow)`
      update shares s set download_count = s.download_count + 1, bytes_served = s.bytes_served + f.size_bytes,
        last_download_at = ${sql.timestamp(at)}
      from files f
      where s.id = ${id} and f.id = s.file_id and f.status = 'stored' and s.revoked_at is null
        and (s.expires_at is null or s.expires_at > ${sql.timestamp(at)})
        and (s.max_downloads is null or s.download_count < s.max_downloads)
      returning ${shareColumns}`);
    return row ?? undefined;
  },
};
