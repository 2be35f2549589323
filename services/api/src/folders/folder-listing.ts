// GET /v1/folders/{id}/children: one level, folders first then files, each by name in byte order,
// in keyset pages. A cursor holds which part it is in (folders or files) and the last name (and id)
// returned, so each page is at most two index range scans, however large the account.
import { z } from 'zod';
import type { FileRow } from '#src/files/file-repository.js';
import { fileJson, type FilesDeps } from '#src/files/files-deps.js';
import { errors } from '#src/platform/errors.js';
import { folderJson } from './folder-json.js';
import { readLevel } from './folder-level.js';
import { folderRepository, totalsOf, type After, type FolderInContext, type FolderWithTotalsRow } from './folder-repository.js';

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
  const limit = input.limit ?? DEFAULT_CHILDREN_PAGE;
  const search = input.q === undefined ? undefined : likePattern(input.q.normalize('NFC'));
  const cursor = input.cursor === undefined ? undefined : decode(input.cursor, ref, search !== undefined);
  const after: After | undefined = cursor && { name: cursor.n, id: cursor.i };
  const folderId = ref === 'root' ? null : ref;
  // Files start where folders end: from the first file, unless the cursor is already among files.
  const fileAfter = cursor?.k === 'f' ? after : undefined;
  const inFolders = cursor === undefined || cursor.k === 'd';

  let context: FolderInContext | null = null;
  let folders: readonly FolderWithTotalsRow[] = [];
  let files: readonly FileRow[] = [];
  if (search === undefined) {
    // One level: the folder, its folders and its files in one statement (a page's files are read
    // even when folders fill it, which costs less than a second round trip).
    ({ context, folders, files } = await readLevel(pool, accountId, folderId, { limit: limit + 1, withFolders: inFolders, folderAfter: after, fileAfter }));
  } else {
    // A search needs the folder's path first: its subtree is a range of paths.
    context = folderId === null ? null : await folderRepository.inContext(pool, accountId, folderId);
    if (folderId === null || context) {
      [folders, files] = await Promise.all([
        inFolders ? folderRepository.searchFolders(pool, accountId, context, search, after, limit + 1) : [],
        folderRepository.searchFiles(pool, accountId, context, search, fileAfter, limit + 1),
      ]);
    }
  }
  if (folderId !== null && !context) throw errors.folderNotFound(folderId);

  const pageFolders = folders.slice(0, limit);
  const pageFiles = files.slice(0, Math.max(0, limit - pageFolders.length));
  const more = folders.length + files.length > limit;
  const lastFile = pageFiles.at(-1);
  const lastFolder = pageFolders.at(-1);
  const next: ListCursor | undefined = !more
    ? undefined
    : lastFile
      ? { f: ref, s: search !== undefined, k: 'f', n: lastFile.name, i: lastFile.id }
      : lastFolder && { f: ref, s: search !== undefined, k: 'd', n: lastFolder.name, i: lastFolder.id };
  return {
    folder: context && folderJson(context, totalsOf(context)),
    ancestors: context?.ancestors ?? [],
    items: [
      ...pageFolders.map((row) => ({ kind: 'folder' as const, ...folderJson(row, totalsOf(row)) })),
      ...pageFiles.map((row) => ({ kind: 'file' as const, ...fileJson(row) })),
    ],
    ...(next ? { next_cursor: encode(next) } : {}),
  };
}
