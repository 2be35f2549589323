import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { Cursor, FileSort, SortOrder } from './list-cursor.js';

export const fileRow = z.object({
  id: z.string(),
  account_id: z.string(),
  upload_id: z.string(),
  object_key: z.string(),
  name: z.string(),
  size_bytes: z.number(),
  content_type: z.string(),
  sha256: z.string().nullable(),
  tags: z.array(z.string()),
  status: z.enum(['stored', 'deleting', 'deleted']),
  created_at: z.number(),
  updated_at: z.number(),
  deleted_at: z.number().nullable(),
  /** The folder holding the file; null at the root. */
  folder_id: z.string().nullable(),
  /** That folder's path, read with the row (a folder move changes it without touching the file). */
  folder_path: z.string().nullable(),
});
export type FileRow = z.infer<typeof fileRow>;

/** Every column of `fileRow`, for queries over `files` (unaliased) elsewhere too. */
export const fileColumns = sql.fragment`id, account_id, upload_id, object_key, name, size_bytes, content_type, sha256, tags, status,
  created_at, updated_at, deleted_at, folder_id, (select p.path from folders p where p.id = files.folder_id) as folder_path`;
const columns = fileColumns;

export interface FileQuery {
  accountId: string;
  limit: number;
  sort: FileSort;
  order: SortOrder;
  cursor?: Cursor;
  /** Substring of the name, case-insensitive. */
  search?: string;
  /** `image` (a family) or `image/png`. */
  type?: string;
  tag?: string;
}

const sortColumn = {
  created: sql.fragment`created_at`,
  // "C" collation: byte order, the same as the index, so keyset comparisons use the index.
  name: sql.fragment`name collate "C"`,
  size: sql.fragment`size_bytes`,
} as const;

/** How stale a file's last download may get before a download notes it again. */
export const DOWNLOAD_NOTE_EVERY_MS = 3_600_000;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const fileRepository = {
  /** Also adds the bytes to the account's `stored_bytes`, in the same statement. */
  async insert(
    db: CommonQueryMethods,
    file: Omit<FileRow, 'status' | 'updated_at' | 'deleted_at' | 'tags' | 'folder_path'>,
    object: { checksum: string | null; etag: string | null },
  ): Promise<FileRow> {
    const at = sql.timestamp(new Date(file.created_at));
    return db.one(sql.type(fileRow)`
      with inserted as (
        insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, sha256, object_checksum, object_etag,
          created_at, updated_at, folder_id)
        values (${file.id}, ${file.account_id}, ${file.upload_id}, ${file.object_key}, ${file.name}, ${file.size_bytes},
          ${file.content_type}, ${file.sha256}, ${object.checksum}, ${object.etag}, ${at}, ${at}, ${file.folder_id})
        returning ${columns}
      ), counted as (
        update accounts set stored_bytes = stored_bytes + ${file.size_bytes} where id = ${file.account_id}
      )
      select * from inserted`);
  },

  /** A stored file of this account; deleted ones and other accounts' are invisible. */
  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(fileRow)`select ${columns} from files where id = ${id} and account_id = ${accountId} and status = 'stored'`),

  /**
   * A stored file of this account, looked up for a download, which is noted as its last one (what
   * "not downloaded for N days" lifecycle rules judge by). Written at most once an hour per file, so
   * repeated downloads stay reads; one round trip either way.
   */
  findForDownload: (db: CommonQueryMethods, accountId: string, id: string, at: Date) =>
    db.maybeOne(sql.type(fileRow)`
      with noted as (
        update files set last_downloaded_at = ${sql.timestamp(at)}
        where id = ${id} and account_id = ${accountId} and status = 'stored'
          and (last_downloaded_at is null or last_downloaded_at < ${sql.timestamp(new Date(at.getTime() - DOWNLOAD_NOTE_EVERY_MS))})
      )
      select ${columns} from files where id = ${id} and account_id = ${accountId} and status = 'stored'`),

  /** Notes a download of a stored file (share links), at most once an hour per file as above. */
  async noteDownload(db: CommonQueryMethods, id: string, at: Date): Promise<void> {
    await db.query(sql.unsafe`
      update files set last_downloaded_at = ${sql.timestamp(at)}
      where id = ${id} and status = 'stored'
        and (last_downloaded_at is null or last_downloaded_at < ${sql.timestamp(new Date(at.getTime() - DOWNLOAD_NOTE_EVERY_MS))})`);
  },

  findMany: (db: CommonQueryMethods, accountId: string, ids: readonly string[]) =>
    db.any(sql.type(fileRow)`
      select ${columns} from files where account_id = ${accountId} and id = any(${sql.array([...ids], 'uuid')}) and status = 'stored'`),

  /** Into a folder (null: the root); callers check the names are free there (folders/file-placement.ts). */
  async moveMany(db: CommonQueryMethods, accountId: string, ids: readonly string[], folderId: string | null, at: Date): Promise<void> {
    if (ids.length === 0) return;
    await db.query(sql.unsafe`
      update files set folder_id = ${folderId}, updated_at = ${sql.timestamp(at)}
      where account_id = ${accountId} and id = any(${sql.array([...ids], 'uuid')}) and status = 'stored'`);
  },

  findById: (db: CommonQueryMethods, id: string) => db.maybeOne(sql.type(fileRow)`select ${columns} from files where id = ${id}`),

  findByKey: (db: CommonQueryMethods, objectKey: string) =>
    db.maybeOne(sql.type(fileRow)`select ${columns} from files where object_key = ${objectKey}`),

  async list(db: CommonQueryMethods, query: FileQuery): Promise<readonly FileRow[]> {
    const column = sortColumn[query.sort];
    const conditions = [sql.fragment`account_id = ${query.accountId}`, sql.fragment`status = 'stored'`];
    if (query.search) conditions.push(sql.fragment`name ilike ${likePattern(query.search)}`);
    if (query.type) {
      conditions.push(
        query.type.includes('/')
          ? sql.fragment`content_type = ${query.type}`
          : sql.fragment`content_type like ${`${query.type.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`}`,
      );
    }
    if (query.tag) conditions.push(sql.fragment`tags @> ${sql.array([query.tag], 'text')}`);
    if (query.cursor) {
      const value =
        query.sort === 'created' ? sql.fragment`${sql.timestamp(new Date(query.cursor.value as number))}` : sql.fragment`${query.cursor.value}`;
      const keyset = sql.fragment`(${column}, id) ${query.order === 'asc' ? sql.fragment`>` : sql.fragment`<`} (${value}, ${query.cursor.id})`;
      conditions.push(keyset);
    }
    const direction = query.order === 'asc' ? sql.fragment`asc` : sql.fragment`desc`;
    return db.any(sql.type(fileRow)`
      select ${columns} from files where ${sql.join(conditions, sql.fragment` and `)}
      order by ${column} ${direction}, id ${direction}
      limit ${query.limit}`);
  },

  /** `folderId` null moves the file to the root. Callers check the target path is free (folders/file-moves.ts). */
  async update(db: CommonQueryMethods, accountId: string, id: string, change: { name?: string; tags?: string[]; folderId?: string | null }, at: Date) {
    const sets = [sql.fragment`updated_at = ${sql.timestamp(at)}`];
    if (change.name !== undefined) sets.push(sql.fragment`name = ${change.name}`);
    if (change.folderId !== undefined) sets.push(sql.fragment`folder_id = ${change.folderId}`);
    if (change.tags !== undefined) sets.push(sql.fragment`tags = ${sql.array(change.tags, 'text')}`);
    return db.maybeOne(sql.type(fileRow)`
      update files set ${sql.join(sets, sql.fragment`, `)}
      where id = ${id} and account_id = ${accountId} and status = 'stored'
      returning ${columns}`);
  },

  /** Stops billing: the rows become 'deleting' until their objects are gone. Only this account's stored files. */
  markDeleting: (db: CommonQueryMethods, accountId: string, ids: readonly string[], at: Date) =>
    db.any(sql.type(fileRow)`
      with marked as (
        update files set status = 'deleting', deleted_at = ${sql.timestamp(at)}, updated_at = ${sql.timestamp(at)}
        where account_id = ${accountId} and id = any(${sql.array([...ids], 'uuid')}) and status = 'stored'
        returning ${columns}
      ), counted as (
        update accounts set stored_bytes = stored_bytes - (select coalesce(sum(size_bytes), 0) from marked) where id = ${accountId}
      )
      select * from marked`),

  async markDeleted(db: CommonQueryMethods, id: string): Promise<void> {
    await db.query(sql.unsafe`update files set status = 'deleted' where id = ${id} and status = 'deleting'`);
  },

  deletingBefore: (db: CommonQueryMethods, before: Date, limit: number) =>
    db.any(sql.type(fileRow)`
      select ${columns} from files where status = 'deleting' and deleted_at <= ${sql.timestamp(before)}
      order by deleted_at limit ${limit}`),
};
