// GET /v1/folders/{id}/children: one level, folders first then files, each by name in byte order,
// in keyset pages. A cursor holds which part it is in (folders or files) and the last name (and id)
// returned, so each page is at most two index range scans, however large the account.
import { z } from 'zod';
import type { FileRow } from '#src/files/file-repository.js';
import { fileJson, type FilesDeps } from '#src/files/files-deps.js';
import { errors } from '#src/platform/errors.js';
import { ancestorPaths } from './folder-paths.js';
import { folderJson } from './folder-json.js';
import { folderRepository, type After, type FolderRow } from './folder-repository.js';
import { liveFolder } from './folder-tree.js';

export const DEFAULT_CHILDREN_PAGE = 100;

const cursorSchema = z.object({
  /** The listing it continues: folder id or 'root', and whether it was a search. */
  f: z.string().max(40),
  s: z.boolean(),
  /** The part it is in: folders ('d') or files ('f'). */
  k: z.enum(['d', 'f']),
  n: z.string().max(1024).refine((text) => !text.includes('\u0000')),
  i: z.string().uuid(),
});
type ListCursor = z.infer<typeof cursorSchema>;

const encode = (cursor: ListCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decode(raw: string, folderRef: string, search: boolean): ListCursor {
  let parsed: ListCursor;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw errors.invalidCursor('the cursor is malformed');
  }
  if (parsed.f !== folderRef || parsed.s !== search) throw errors.invalidCursor('the cursor belongs to another listing');
  return parsed;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listChildren(
  deps: Pick<FilesDeps, 'pool'>,
  accountId: string,
  ref: string,
  input: { limit?: number; cursor?: string; q?: string },
) {
  const { pool } = deps;
  const folder = ref === 'root' ? null : await liveFolder(pool, accountId, ref);
  const limit = input.limit ?? DEFAULT_CHILDREN_PAGE;
  const search = input.q === undefined ? undefined : likePattern(input.q.normalize('NFC'));
  const cursor = input.cursor === undefined ? undefined : decode(input.cursor, ref, search !== undefined);
  const after: After | undefined = cursor && { name: cursor.n, id: cursor.i };
  const folderId = folder?.id ?? null;

  let folders: readonly FolderRow[] = [];
  if (cursor === undefined || cursor.k === 'd') {
    folders =
      search === undefined
        ? await folderRepository.childFolders(pool, accountId, folderId, after, limit + 1)
        : await folderRepository.searchFolders(pool, accountId, folder, search, after, limit + 1);
  }
  let files: readonly FileRow[] = [];
  const room = limit - folders.length;
  if (room >= 0) {
    // Files start where folders end: from the first file, unless the cursor is already among files.
    const fileAfter = cursor?.k === 'f' ? after : undefined;
    files =
      search === undefined
        ? await folderRepository.childFiles(pool, accountId, folderId, fileAfter, room + 1)
        : await folderRepository.searchFiles(pool, accountId, folder, search, fileAfter, room + 1);
  }
  const pageFolders = folders.slice(0, limit);
  const pageFiles = files.slice(0, Math.max(0, limit - pageFolders.length));
  const more = folders.length > limit || pageFolders.length + files.length > limit;
  const lastFile = pageFiles.at(-1);
  const lastFolder = pageFolders.at(-1);
  const next: ListCursor | undefined = !more
    ? undefined
    : lastFile
      ? { f: ref, s: search !== undefined, k: 'f', n: lastFile.name, i: lastFile.id }
      : lastFolder && { f: ref, s: search !== undefined, k: 'd', n: lastFolder.name, i: lastFolder.id };

  const [totals, ancestors] = await Promise.all([
    folderRepository.totals(pool, folder ? [...pageFolders, folder] : pageFolders),
    folder ? folderRepository.findByPaths(pool, accountId, ancestorPaths(folder.path)) : Promise.resolve([]),
  ]);
  return {
    folder: folder && folderJson(folder, totals.get(folder.id)!),
    ancestors: [...ancestors].sort((a, b) => a.path.length - b.path.length).map((a) => ({ id: a.id, name: a.name })),
    items: [
      ...pageFolders.map((row) => ({ kind: 'folder' as const, ...folderJson(row, totals.get(row.id)!) })),
      ...pageFiles.map((row) => ({ kind: 'file' as const, ...fileJson(row) })),
    ],
    ...(next ? { next_cursor: encode(next) } : {}),
  };
}
