// SQL of the folders feature. Every query names the account: another account's folders and files
// are indistinguishable from missing ones. Names and paths compare in "C" collation (bytes), the
// order of the indexes, so equality, ranges and keyset pages all use them.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { fileColumns, fileRow, type FileRow } from '#src/files/file-repository.js';
import { subtreeEnd, subtreeStart } from './folder-paths.js';

export const folderRow = z.object({
  id: z.string(),
  account_id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string(),
  path: z.string(),
  direct_bytes: z.number(),
  direct_files: z.number(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type FolderRow = z.infer<typeof folderRow>;

const columns = sql.fragment`id, account_id, parent_id, name, path, direct_bytes, direct_files, created_at, updated_at`;

/** Subtree totals: everything inside the folder, at any depth, the folder's own files included. */
export interface FolderTotals {
  storedBytes: number;
  fileCount: number;
  folderCount: number;
}

const totalsRow = z.object({ id: z.string(), bytes: z.number(), files: z.number(), folders: z.number() });
const insideColumns = { inside_bytes: z.number(), inside_files: z.number(), inside_folders: z.number() };
export const folderWithTotalsRow = folderRow.extend(insideColumns);
export type FolderWithTotalsRow = z.infer<typeof folderWithTotalsRow>;
export const folderInContextRow = folderWithTotalsRow.extend({ ancestors: z.array(z.object({ id: z.string(), name: z.string() })) });
export type FolderInContext = z.infer<typeof folderInContextRow>;

/** What is inside folder row `f`, at any depth (one range of the path index): to join laterally. */
export const inside = sql.fragment`left join lateral (
    select coalesce(sum(d.direct_bytes), 0)::int8 as inside_bytes, coalesce(sum(d.direct_files), 0)::int8 as inside_files,
      count(*)::int8 as inside_folders
    from folders d
    where d.account_id = f.account_id and d.deleted_at is null
      and d.path collate "C" >= f.path || '/' and d.path collate "C" < f.path || '0'
  ) t on true`;
const fColumns = sql.fragment`f.id, f.account_id, f.parent_id, f.name, f.path, f.direct_bytes, f.direct_files, f.created_at, f.updated_at,
  t.inside_bytes, t.inside_files, t.inside_folders`;

/** The folders above folder row `f`, top first, as a JSON array of {id, name}: found by their paths. */
export const ancestorsOfF = sql.fragment`coalesce((select json_agg(json_build_object('id', a.id, 'name', a.name) order by length(a.path))
  from folders a where a.account_id = f.account_id and a.deleted_at is null
    and a.path collate "C" = any(array(
      select array_to_string((string_to_array(f.path, '/'))[1:n], '/')
      from generate_series(1, cardinality(string_to_array(f.path, '/')) - 1) n))), '[]'::json)`;

export function totalsOf(row: FolderWithTotalsRow): FolderTotals {
  return { storedBytes: row.direct_bytes + row.inside_bytes, fileCount: row.direct_files + row.inside_files, folderCount: row.inside_folders };
}
const holderRow = z.object({ kind: z.enum(['file', 'folder']), id: z.string() });

/** `= id` or `is null`: IS NOT DISTINCT FROM would not use the indexes. */
export const sameFolder = (column: FragmentSqlToken, folderId: string | null) =>
  folderId === null ? sql.fragment`${column} is null` : sql.fragment`${column} = ${folderId}`;

/** Where a keyset page resumes: after this name (and id, for subtree searches where names repeat). */
export interface After {
  name: string;
  id: string;
}

// Within one folder names are unique, so the name alone orders a level (folder-level.ts); a subtree
// search meets the same name in several folders, so the id breaks ties there.
const afterNameAndId = (after: After | undefined) =>
  after === undefined ? sql.fragment`true` : sql.fragment`(name collate "C", id) > (${after.name}, ${after.id})`;

export const folderRepository = {
  findLive: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(folderRow)`select ${columns} from folders where id = ${id} and account_id = ${accountId} and deleted_at is null`),

  findByPath: (db: CommonQueryMethods, accountId: string, path: string) =>
    db.maybeOne(sql.type(folderRow)`
      select ${columns} from folders where account_id = ${accountId} and path collate "C" = ${path} and deleted_at is null`),

  findByPaths: (db: CommonQueryMethods, accountId: string, paths: readonly string[]) =>
    db.any(sql.type(folderRow)`
      select ${columns} from folders
      where account_id = ${accountId} and path collate "C" = any(${sql.array([...paths], 'text')}) and deleted_at is null`),

  insert: (db: CommonQueryMethods, folder: { id: string; accountId: string; parentId: string | null; name: string; path: string; at: Date }) =>
    db.one(sql.type(folderRow)`
      insert into folders (id, account_id, parent_id, name, path, created_at, updated_at)
      values (${folder.id}, ${folder.accountId}, ${folder.parentId}, ${folder.name}, ${folder.path}, ${sql.timestamp(folder.at)}, ${sql.timestamp(folder.at)})
      returning ${columns}`),

  /** What holds `name` in a folder (null: the root), if anything: a live folder or a stored file. */
  holderOf: (db: CommonQueryMethods, accountId: string, folderId: string | null, name: string) =>
    db.maybeOne(sql.type(holderRow)`
      (select 'folder' as kind, id from folders
        where account_id = ${accountId} and ${sameFolder(sql.fragment`parent_id`, folderId)} and name collate "C" = ${name} and deleted_at is null)
      union all
      (select 'file' as kind, id from files
        where account_id = ${accountId} and ${sameFolder(sql.fragment`folder_id`, folderId)} and name collate "C" = ${name} and status = 'stored')
      limit 1`),

  /** Names in a folder (files and folders) that `candidates` would collide with. */
  takenNames: (db: CommonQueryMethods, accountId: string, folderId: string | null, candidates: readonly string[]) =>
    db.anyFirst(sql.type(z.object({ name: z.string() }))`
      select name from folders
        where account_id = ${accountId} and ${sameFolder(sql.fragment`parent_id`, folderId)} and deleted_at is null
          and name collate "C" = any(${sql.array([...candidates], 'text')})
      union
      select name from files
        where account_id = ${accountId} and ${sameFolder(sql.fragment`folder_id`, folderId)} and status = 'stored'
          and name collate "C" = any(${sql.array([...candidates], 'text')})`),

  /**
   * Renames or moves a folder and rewrites the paths of the folders inside it: two statements over
   * folder rows (one index range), whatever the number of files inside.
   */
  async relocate(db: CommonQueryMethods, folder: FolderRow, to: { parentId: string | null; name: string; path: string }, at: Date): Promise<FolderRow> {
    const moved = await db.one(sql.type(folderRow)`
      update folders set parent_id = ${to.parentId}, name = ${to.name}, path = ${to.path}, updated_at = ${sql.timestamp(at)}
      where id = ${folder.id} returning ${columns}`);
    await db.query(sql.unsafe`
      update folders set path = ${to.path} || substr(path, char_length(${folder.path}) + 1)
      where account_id = ${folder.account_id} and deleted_at is null
        and path collate "C" >= ${subtreeStart(folder.path)} and path collate "C" < ${subtreeEnd(folder.path)}`);
    return moved;
  },

  /** The longest path inside a folder, in bytes: what a move must keep within the limit. */
  deepestPathBytes: (db: CommonQueryMethods, folder: FolderRow) =>
    db.oneFirst(sql.type(z.object({ bytes: z.number() }))`
      select coalesce(max(octet_length(path)), 0)::int as bytes from folders
      where account_id = ${folder.account_id} and deleted_at is null
        and path collate "C" >= ${subtreeStart(folder.path)} and path collate "C" < ${subtreeEnd(folder.path)}`),

  /** The folder and every live folder inside it. */
  subtreeIds: (db: CommonQueryMethods, folder: FolderRow) =>
    db.anyFirst(sql.type(z.object({ id: z.string() }))`
      select id from folders where id = ${folder.id}
      union all
      select id from folders
      where account_id = ${folder.account_id} and deleted_at is null
        and path collate "C" >= ${subtreeStart(folder.path)} and path collate "C" < ${subtreeEnd(folder.path)}`),

  storedFileIdsIn: (db: CommonQueryMethods, accountId: string, folderIds: readonly string[]) =>
    db.anyFirst(sql.type(z.object({ id: z.string() }))`
      select id from files where account_id = ${accountId} and folder_id = any(${sql.array([...folderIds], 'uuid')}) and status = 'stored'`),

  async markDeleted(db: CommonQueryMethods, accountId: string, ids: readonly string[], at: Date): Promise<void> {
    await db.query(sql.unsafe`
      update folders set deleted_at = ${sql.timestamp(at)}, updated_at = ${sql.timestamp(at)}
      where account_id = ${accountId} and id = any(${sql.array([...ids], 'uuid')}) and deleted_at is null`);
  },

  /** Subtree totals of each folder given, in one statement (a range of the path index each). */
  async totals(db: CommonQueryMethods, folders: readonly FolderRow[]): Promise<Map<string, FolderTotals>> {
    const totals = new Map<string, FolderTotals>();
    if (folders.length === 0) return totals;
    const accountId = folders[0]!.account_id;
    const rows = await db.any(sql.type(totalsRow)`
      select f.id, coalesce(sum(d.direct_bytes), 0)::int8 as bytes, coalesce(sum(d.direct_files), 0)::int8 as files, count(d.id)::int8 as folders
      from unnest(${sql.array(folders.map((f) => f.id), 'uuid')}, ${sql.array(folders.map((f) => f.path), 'text')}) as f(id, path)
      left join folders d on d.account_id = ${accountId} and d.deleted_at is null
        and d.path collate "C" >= f.path || '/' and d.path collate "C" < f.path || '0'
      group by f.id`);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const folder of folders) {
      const inside = byId.get(folder.id);
      totals.set(folder.id, {
        storedBytes: folder.direct_bytes + (inside?.bytes ?? 0),
        fileCount: folder.direct_files + (inside?.files ?? 0),
        folderCount: inside?.folders ?? 0,
      });
    }
    return totals;
  },

  /** A live folder with its totals and the folders above it (top first), in one statement: a listing's header. */
  inContext: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(folderInContextRow)`
      select ${fColumns}, ${ancestorsOfF} as ancestors
      from folders f ${inside}
      where f.id = ${id} and f.account_id = ${accountId} and f.deleted_at is null`),

  /** Folders anywhere below `within` (null: the whole account) whose name contains the pattern, with totals. */
  searchFolders: (db: CommonQueryMethods, accountId: string, within: FolderRow | null, pattern: string, after: After | undefined, limit: number) =>
    db.any(sql.type(folderWithTotalsRow)`
      select ${fColumns} from folders f ${inside}
      where f.account_id = ${accountId} and f.deleted_at is null and f.name ilike ${pattern}
        and ${after === undefined ? sql.fragment`true` : sql.fragment`(f.name collate "C", f.id) > (${after.name}, ${after.id})`}
        ${within === null ? sql.fragment`` : sql.fragment`and f.path collate "C" >= ${subtreeStart(within.path)} and f.path collate "C" < ${subtreeEnd(within.path)}`}
      order by f.name collate "C", f.id limit ${limit}`),

  /** Files anywhere below `within` (null: the whole account) whose name contains the pattern. */
  searchFiles: (db: CommonQueryMethods, accountId: string, within: FolderRow | null, pattern: string, after: After | undefined, limit: number): Promise<readonly FileRow[]> =>
    db.any(sql.type(fileRow)`
      select ${fileColumns} from files
      where account_id = ${accountId} and status = 'stored' and name ilike ${pattern} and ${afterNameAndId(after)}
        ${within === null ? sql.fragment`` : sql.fragment`and folder_id in (
          select id from folders where id = ${within.id}
          union all
          select id from folders where account_id = ${accountId} and deleted_at is null
            and path collate "C" >= ${subtreeStart(within.path)} and path collate "C" < ${subtreeEnd(within.path)})`}
      order by name collate "C", id limit ${limit}`),
};
