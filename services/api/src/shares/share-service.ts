// The owner's side of share links: make one to an own file, list, read, revoke. Every call is
// scoped to the calling account; another account's link or file is "not found", never "forbidden".
import { v7 as uuidv7 } from 'uuid';
import { assertAcceptablePassword } from '#src/auth/credentials.js';
import { errors } from '#src/platform/errors.js';
import { decodeShareCursor, encodeShareCursor } from './share-cursor.js';
import { shareErrors } from './share-errors.js';
import { shareJson } from './share-json.js';
import { shareRepository } from './share-repository.js';
import { newShareToken, shareTokenHash } from './share-token.js';
import type { SharesDeps } from './shares-deps.js';

export interface ShareCreateInput {
  expires_at?: string;
  password?: string;
  max_downloads?: number;
}

export const MAX_SHARE_LIFETIME_DAYS = 365;
export const DEFAULT_SHARE_PAGE = 50;

export type ShareTargetRef = { type: 'file'; fileId: string } | { type: 'folder'; folderId: string };

/** A link to an own stored file or live folder; anything else (another account's too) is 404. */
export async function createShare(deps: SharesDeps, accountId: string, target: ShareTargetRef, input: ShareCreateInput) {
  const now = deps.clock.now();
  const expiresAt = input.expires_at === undefined ? null : validExpiry(input.expires_at, now);
  if (input.password !== undefined) assertAcceptablePassword(input.password, '/body/password');
  const passwordHash = input.password === undefined ? null : await deps.passwords.hash(input.password);
  const token = newShareToken();
  const common = {
    id: uuidv7(),
    accountId,
    tokenHash: shareTokenHash(token),
    passwordHash,
    expiresAt,
    maxDownloads: input.max_downloads ?? null,
    createdAt: now,
  };
  const row =
    target.type === 'file'
      ? await shareRepository.insertForFile(deps.pool, { ...common, fileId: target.fileId })
      : await shareRepository.insertForFolder(deps.pool, { ...common, folderId: target.folderId });
  if (!row) throw target.type === 'file' ? errors.fileNotFound(target.fileId) : errors.folderNotFound(target.folderId);
  return { ...shareJson(row, now), token, url: publicShareUrl(deps.config.DASHBOARD_URL, token) };
}

/** The dashboard's public page for a token. */
export function publicShareUrl(dashboardUrl: string, token: string): string {
  return new URL(`s/${token}`, dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`).href;
}

function validExpiry(raw: string, now: Date): Date {
  // The validator checked the format; milliseconds are what the column keeps.
  const at = new Date(Math.floor(Date.parse(raw)));
  if (Number.isNaN(at.getTime())) throw shareErrors.invalidShareExpiry('must be a date-time');
  if (at.getTime() <= now.getTime()) throw shareErrors.invalidShareExpiry('must be in the future');
  if (at.getTime() > now.getTime() + MAX_SHARE_LIFETIME_DAYS * 86_400_000) {
    throw shareErrors.invalidShareExpiry(`must be at most ${MAX_SHARE_LIFETIME_DAYS} days ahead`);
  }
  return at;
}

export async function listShares(deps: SharesDeps, accountId: string, input: { limit?: number; cursor?: string; file_id?: string; folder_id?: string }) {
  const limit = input.limit ?? DEFAULT_SHARE_PAGE;
  const after = input.cursor === undefined ? undefined : decodeShareCursor(input.cursor);
  const rows = await shareRepository.list(deps.pool, {
    accountId,
    limit: limit + 1,
    ...(input.file_id === undefined ? {} : { fileId: input.file_id }),
    ...(input.folder_id === undefined ? {} : { folderId: input.folder_id }),
    ...(after ? { after } : {}),
  });
  const now = deps.clock.now();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => shareJson(row, now)),
    ...(rows.length > limit && last ? { next_cursor: encodeShareCursor({ createdAt: last.created_at, id: last.id }) } : {}),
  };
}

export async function getShare(deps: SharesDeps, accountId: string, id: string) {
  const row = await shareRepository.find(deps.pool, accountId, id);
  if (!row) throw shareErrors.shareNotFound(id);
  return shareJson(row, deps.clock.now());
}

export async function revokeShare(deps: SharesDeps, accountId: string, id: string): Promise<void> {
  if (!(await shareRepository.revoke(deps.pool, accountId, id, deps.clock.now()))) throw shareErrors.shareNotFound(id);
}
