// What a share link offers, file by file: a folder link's stored files at any depth (paths relative
// to the folder, pages in id order), a file link's one file. The password is checked as for a
// download (same limits), since the names alone can be what the owner protects.
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';
import { checkPassword, usableShare } from './public-share.js';
import { shareRepository, type ShareRow } from './share-repository.js';
import type { SharesDeps } from './shares-deps.js';

export const DEFAULT_SHARED_FILES_PAGE = 100;

export interface SharedFilesRequest {
  token: string;
  ip: string;
  password?: string;
  limit?: number;
  cursor?: string;
}

const cursorSchema = z.object({ i: z.string().uuid() });
const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ i: id })).toString('base64url');

function decodeCursor(raw: string): string {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))).i;
  } catch {
    throw errors.invalidCursor('the cursor is malformed');
  }
}

function fileLinkPage(share: ShareRow) {
  if (share.file_id === null || share.file_size === null) return { items: [] };
  const name = share.target_name;
  return { items: [{ id: share.file_id, path: name, name, size: share.file_size, content_type: share.file_content_type ?? '' }] };
}

export async function listSharedFiles(deps: SharesDeps, request: SharedFilesRequest) {
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const share = await usableShare(deps, request.token, deps.clock.now());
  if (share.password_hash !== null) await checkPassword(deps, share.id, share.password_hash, request);
  if (share.folder_id === null) return fileLinkPage(share);
  const limit = request.limit ?? DEFAULT_SHARED_FILES_PAGE;
  const rows = await shareRepository.sharedFiles(deps.pool, share.folder_id, limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ id, path, name, size, content_type }) => ({ id, path, name, size, content_type })),
    ...(rows.length > limit && last ? { next_cursor: encodeCursor(last.id) } : {}),
  };
}
