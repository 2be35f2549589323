// Reading and changing file metadata; every query is scoped to the calling account.
import { moveFile } from '#src/folders/file-placement.js';
import { errors } from '#src/platform/errors.js';
import { fileRepository } from './file-repository.js';
import { validFileName, validTags } from './file-input.js';
import { fileJson, type FilesDeps } from './files-deps.js';
import { decodeCursor, encodeCursor, type FileSort, type SortOrder } from './list-cursor.js';

export interface ListInput {
  limit?: number;
  cursor?: string;
  q?: string;
  type?: string;
  tag?: string;
  sort?: FileSort;
  order?: SortOrder;
}

export const DEFAULT_PAGE = 50;

export async function listFiles(deps: FilesDeps, accountId: string, input: ListInput) {
  const sort = input.sort ?? 'created';
  const order = input.order ?? (sort === 'created' ? 'desc' : 'asc');
  const limit = input.limit ?? DEFAULT_PAGE;
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, sort, order);
  const rows = await fileRepository.list(deps.pool, {
    accountId,
    limit: limit + 1,
    sort,
    order,
    ...(cursor ? { cursor } : {}),
    ...(input.q ? { search: input.q.normalize('NFC') } : {}),
    ...(input.type ? { type: input.type.toLowerCase().replace(/\/\*$/, '') } : {}),
    ...(input.tag ? { tag: input.tag.normalize('NFC').trim().toLowerCase() } : {}),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  const value = !last ? 0 : sort === 'created' ? last.created_at : sort === 'size' ? last.size_bytes : last.name;
  return {
    items: page.map(fileJson),
    ...(more ? { next_cursor: encodeCursor({ sort, order, value, id: last.id }) } : {}),
  };
}

export async function getFile(deps: FilesDeps, accountId: string, id: string) {
  const row = await fileRepository.find(deps.pool, accountId, id);
  if (!row) throw errors.fileNotFound(id);
  return row;
}

export async function updateFile(
  deps: FilesDeps,
  accountId: string,
  id: string,
  change: { name?: string; tags?: string[]; folder_id?: string | null },
) {
  const name = change.name === undefined ? undefined : validFileName(change.name);
  const tags = change.tags === undefined ? undefined : validTags(change.tags, deps.config.MAX_TAGS_PER_FILE);
  const update = { ...(name === undefined ? {} : { name }), ...(tags === undefined ? {} : { tags }) };
  const at = deps.clock.now();
  // A new name or folder gives the file a new path, checked under the account lock; tags alone do not.
  const row =
    name === undefined && change.folder_id === undefined
      ? await fileRepository.update(deps.pool, accountId, id, update, at)
      : await deps.pool.transaction((tx) =>
          moveFile(tx, accountId, id, { ...update, ...(change.folder_id === undefined ? {} : { folderId: change.folder_id }) }, at),
        );
  if (!row) throw errors.fileNotFound(id);
  return row;
}

export async function downloadUrl(deps: FilesDeps, accountId: string, id: string) {
  const row = await fileRepository.findForDownload(deps.pool, accountId, id, deps.clock.now());
  if (!row) throw errors.fileNotFound(id);
  const signed = await deps.store.presignGet(row.object_key, {
    downloadFileName: row.name,
    expiresInSeconds: deps.config.DOWNLOAD_TTL_SECONDS,
  });
  return { method: 'GET' as const, url: signed.url, expires_at: signed.expiresAt.toISOString() };
}
