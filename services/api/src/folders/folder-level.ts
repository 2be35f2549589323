// One level of a folder in one statement: the folder (with its totals and ancestors), a page of its
// folders (with theirs) and a page of its files, as JSON. A listing is the API's most frequent folder
// request, and one round trip instead of three keeps it near the flat GET /v1/files (bench/folders.ts).
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { fileRow } from '#src/files/file-repository.js';
import { ancestorsOfF, folderInContextRow, folderWithTotalsRow, inside, sameFolder, type After } from './folder-repository.js';

const levelRow = z.object({ context: folderInContextRow.nullable(), folders: z.array(folderWithTotalsRow), files: z.array(fileRow) });
export type Level = z.infer<typeof levelRow>;

/** Epoch milliseconds, as the other queries' rows carry instants (JSON would carry text). */
const ms = (column: FragmentSqlToken) => sql.fragment`(extract(epoch from ${column}) * 1000)::int8`;

const folderColumns = sql.fragment`f.id, f.account_id, f.parent_id, f.name, f.path, f.direct_bytes, f.direct_files,
  ${ms(sql.fragment`f.created_at`)} as created_at, ${ms(sql.fragment`f.updated_at`)} as updated_at, t.inside_bytes, t.inside_files, t.inside_folders`;

export function readLevel(
  db: CommonQueryMethods,
  accountId: string,
  folderId: string | null,
  page: { limit: number; withFolders: boolean; folderAfter: After | undefined; fileAfter: After | undefined },
): Promise<Level> {
  const after = (alias: string, cursor: After | undefined) =>
    cursor === undefined ? sql.fragment`true` : sql.fragment`${sql.identifier([alias, 'name'])} collate "C" > ${cursor.name}`;
  return db.one(sql.type(levelRow)`
    with ctx as (
      select ${folderColumns}, ${ancestorsOfF} as ancestors
      from folders f ${inside}
      where ${folderId === null ? sql.fragment`false` : sql.fragment`f.id = ${folderId}`} and f.account_id = ${accountId} and f.deleted_at is null
    ), fo as (
      select ${folderColumns} from folders f ${inside}
      where f.account_id = ${accountId} and ${sameFolder(sql.fragment`f.parent_id`, folderId)} and f.deleted_at is null and ${after('f', page.folderAfter)}
      order by f.name collate "C" limit ${page.withFolders ? page.limit : 0}
    ), fi as (
      select x.id, x.account_id, x.upload_id, x.object_key, x.name, x.size_bytes, x.content_type, x.sha256, x.tags, x.status,
        ${ms(sql.fragment`x.created_at`)} as created_at, ${ms(sql.fragment`x.updated_at`)} as updated_at, ${ms(sql.fragment`x.deleted_at`)} as deleted_at,
        x.folder_id, ${folderId === null ? sql.fragment`null::text` : sql.fragment`(select p.path from folders p where p.id = ${folderId})`} as folder_path
      from files x
      where x.account_id = ${accountId} and ${sameFolder(sql.fragment`x.folder_id`, folderId)} and x.status = 'stored' and ${after('x', page.fileAfter)}
      order by x.name collate "C" limit ${page.limit}
    )
    select
      (select to_json(ctx) from ctx) as context,
      coalesce((select json_agg(fo order by fo.name collate "C") from fo), '[]'::json) as folders,
      coalesce((select json_agg(fi order by fi.name collate "C") from fi), '[]'::json) as files`);
}
