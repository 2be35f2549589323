// Share links in PostgreSQL. Every query an account makes is scoped by its id in the same statement,
// so another account's link or file is simply not found.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const shareRow = z.object({
  id: z.string(),
  account_id: z.string(),
  /** The shared file, or for a folder link the file a download took (null when listing links). */
  file_id: z.string().nullable(),
  folder_id: z.string().nullable(),
  password_hash: z.string().nullable(),
  expires_at: z.number().nullable(),
  max_downloads: z.number().nullable(),
  download_count: z.number(),
  bytes_served: z.number(),
  last_download_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
  created_at: z.number(),
  target_name: z.string(),
  /** A file's size; a folder's stored bytes at any depth. */
  target_size: z.number(),
  /** 'stored' while the file is stored or the folder is live. */
  target_status: z.enum(['stored', 'deleting', 'deleted']),
  /** The file's (for a folder link: the downloaded file's, else null). */
  file_name: z.string().nullable(),
  file_size: z.number().nullable(),
  file_content_type: z.string().nullable(),
  file_object_key: z.string().nullable(),
});
export type ShareRow = z.infer<typeof shareRow>;

/** A stored file of a folder link: `path` is relative to the shared folder. */
export const sharedFileRow = z.object({
  id: z.string(),
  path: z.string(),
  name: z.string(),
  size: z.number(),
  content_type: z.string(),
  object_key: z.string(),
});
export type SharedFileRow = z.infer<typeof sharedFileRow>;

/** Live folders of shared folder `d` at any depth, `d` included: one range of the path index. */
const subtreeOfD = sql.fragment`(select x.id from folders x
  where x.account_id = d.account_id and x.deleted_at is null
    and (x.id = d.id or (x.path collate "C" >= d.path || '/' and x.path collate "C" < d.path || '0')))`;

// `s` is the link, `f` its file (for a file link, or the file a folder link's download took), `d`
// its folder. A folder target is `stored` while the folder is live.
const shareColumns = sql.fragment`
  s.id, s.account_id, f.id as file_id, s.folder_id, s.password_hash, s.expires_at, s.max_downloads, s.download_count,
  s.bytes_served, s.last_download_at, s.revoked_at, s.created_at,
  coalesce(d.name, f.name) as target_name,
  case when s.folder_id is null then f.size_bytes
    else (select coalesce(sum(y.direct_bytes), 0)::int8 from folders y where y.id in ${subtreeOfD}) end as target_size,
  case when s.folder_id is null then f.status when d.deleted_at is null then 'stored' else 'deleted' end as target_status,
  f.name as file_name, f.size_bytes as file_size, f.content_type as file_content_type, f.object_key as file_object_key`;
const selectShares = sql.fragment`select ${shareColumns} from shares s
  left join files f on f.id = s.file_id left join folders d on d.id = s.folder_id`;

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

export interface NewFolderShare extends Omit<NewFileShare, 'fileId'> {
  folderId: string;
}

export interface ShareListQuery {
  accountId: string;
  limit: number;
  fileId?: string;
  folderId?: string;
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
      select ${shareColumns} from s join files f on f.id = s.file_id left join folders d on false`);
    return row ?? undefined;
  },

  /** Undefined when the folder is not a live folder of this account. */
  async insertForFolder(db: CommonQueryMethods, share: NewFolderShare): Promise<ShareRow | undefined> {
    const row = await db.maybeOne(sql.type(shareRow)`
      with s as (
        insert into shares (id, account_id, folder_id, token_hash, password_hash, expires_at, max_downloads, created_at)
        select ${share.id}, d.account_id, d.id, ${sql.binary(share.tokenHash)}, ${share.passwordHash},
          ${timestampOrNull(share.expiresAt)}, ${share.maxDownloads}, ${sql.timestamp(share.createdAt)}
        from folders d where d.id = ${share.folderId} and d.account_id = ${share.accountId} and d.deleted_at is null
        returning *
      )
      select ${shareColumns} from s join folders d on d.id = s.folder_id left join files f on false`);
    return row ?? undefined;
  },

  /**
   * A page of a folder link's stored files, in id order after \`afterId\`, with paths relative to the
   * folder. Files of other accounts cannot be in an account's folders (files.folder_id is set by the
   * owner's placement only), and the account is named again anyway.
   */
  sharedFiles: (db: CommonQueryMethods, folderId: string, limit: number, afterId?: string) =>
    db.any(sql.type(sharedFileRow)`
      select f.id, ltrim(substr(x.path, length(d.path) + 1) || '/' || f.name, '/') as path, f.name, f.size_bytes as size,
        f.content_type, f.object_key
      from folders d
      join folders x on x.id in ${subtreeOfD}
      join files f on f.folder_id = x.id and f.account_id = d.account_id and f.status = 'stored'
      where d.id = ${folderId} and d.deleted_at is null ${afterId === undefined ? sql.fragment`` : sql.fragment`and f.id > ${afterId}`}
      order by f.id limit ${limit}`),

  /** One stored file inside folder link target `folderId` at any depth, or null. */
  sharedFile: (db: CommonQueryMethods, folderId: string, fileId: string) =>
    db.maybeOne(sql.type(sharedFileRow)`
      select f.id, f.name as path, f.name, f.size_bytes as size, f.content_type, f.object_key
      from folders d join files f on f.id = ${fileId} and f.account_id = d.account_id and f.status = 'stored'
      where d.id = ${folderId} and d.deleted_at is null and f.folder_id in ${subtreeOfD}`),

  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(shareRow)`${selectShares} where s.id = ${id} and s.account_id = ${accountId}`),

  /** The public side: a link is known by its token's hash and nothing else. */
  findByTokenHash: (db: CommonQueryMethods, tokenHash: Buffer) =>
    db.maybeOne(sql.type(shareRow)`${selectShares} where s.token_hash = ${sql.binary(tokenHash)}`),

  async list(db: CommonQueryMethods, query: ShareListQuery): Promise<readonly ShareRow[]> {
    const conditions = [sql.fragment`s.account_id = ${query.accountId}`];
    if (query.fileId !== undefined) conditions.push(sql.fragment`s.file_id = ${query.fileId}`);
    if (query.folderId !== undefined) conditions.push(sql.fragment`s.folder_id = ${query.folderId}`);
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
  async takeDownload(db: CommonQueryMethods, id: string, fileId: string, at: Date): Promise<ShareRow | undefined> {
    // A folder link's file must be in the folder's subtree when the download is taken, not only when
    // it was looked up: the same statement checks it.
    const row = await db.maybeOne(sql.type(shareRow)`
      update shares s set download_count = s.download_count + 1, bytes_served = s.bytes_served + f.size_bytes,
        last_download_at = ${sql.timestamp(at)}
      from files f left join folders d on d.id = (select folder_id from shares where id = ${id})
      where s.id = ${id} and f.id = ${fileId} and f.status = 'stored' and f.account_id = s.account_id
        and (f.id = s.file_id or (d.deleted_at is null and f.folder_id in ${subtreeOfD}))
        and s.revoked_at is null
        and (s.expires_at is null or s.expires_at > ${sql.timestamp(at)})
        and (s.max_downloads is null or s.download_count < s.max_downloads)
      returning ${shareColumns}`);
    return row ?? undefined;
  },
};
