// The public side of share links: anyone holding a token may see what it offers and download it,
// never more. Order of checks: unknown token (404), a link that no longer works (410, before any
// password is asked for, so a dead link never costs a password attempt), the password (limited
// per link and per address), then one download taken atomically and recorded with its event.
import { v7 as uuidv7 } from 'uuid';
import { shareDownloadedEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { fileRepository } from '#src/files/file-repository.js';
import { errors } from '#src/platform/errors.js';
import { shareErrors } from './share-errors.js';
import { publicShareJson } from './share-json.js';
import { shareRepository, type ShareRow } from './share-repository.js';
import { unusableReason } from './share-state.js';
import { shareTokenHash } from './share-token.js';
import type { SharesDeps } from './shares-deps.js';

export async function usableShare(deps: SharesDeps, token: string, now: Date): Promise<ShareRow> {
  const row = await shareRepository.findByTokenHash(deps.pool, shareTokenHash(token));
  if (!row) throw shareErrors.shareNotFound();
  const unusable = unusableReason(row, now);
  if (unusable) throw unusable;
  return row;
}

export async function publicShare(deps: SharesDeps, token: string) {
  return publicShareJson(await usableShare(deps, token, deps.clock.now()));
}

export interface PublicDownloadRequest {
  token: string;
  password?: string;
  /** The client's address, for the per-address limit on password attempts. */
  ip: string;
  /** Which file: required for a folder link; for a file link its own file or nothing. */
  fileId?: string;
}

interface ChosenFile {
  id: string;
  name: string;
  objectKey: string;
}

/** The file a request asks for: for a folder link a stored file inside it at any depth, else 404. */
async function chosenFile(deps: SharesDeps, share: ShareRow, fileId: string | undefined): Promise<ChosenFile> {
  if (share.folder_id === null) {
    if (share.file_id === null || share.file_name === null || share.file_object_key === null) throw shareErrors.shareTargetDeleted();
    if (fileId !== undefined && fileId !== share.file_id) throw errors.fileNotFound(fileId);
    return { id: share.file_id, name: share.file_name, objectKey: share.file_object_key };
  }
  if (fileId === undefined) throw shareErrors.shareFileRequired();
  const file = await shareRepository.sharedFile(deps.pool, share.folder_id, fileId);
  if (!file) throw errors.fileNotFound(fileId);
  return { id: file.id, name: file.name, objectKey: file.object_key };
}

export async function downloadThroughShare(deps: SharesDeps, request: PublicDownloadRequest) {
  const share = await usableShare(deps, request.token, deps.clock.now());
  if (share.password_hash !== null) await checkPassword(deps, share.id, share.password_hash, request);
  const file = await chosenFile(deps, share, request.fileId);

  // Signed before the download is counted: signing can fail (storage credentials), and a URL made
  // for a download that then is not taken is simply never handed out.
  const signed = await deps.store.presignGet(file.objectKey, {
    downloadFileName: file.name,
    expiresInSeconds: deps.config.SHARE_DOWNLOAD_TTL_SECONDS,
  });
  const downloadedAt = deps.clock.now();
  const taken = await deps.pool.transaction(async (tx) => {
    const row = await shareRepository.takeDownload(tx, share.id, file.id, downloadedAt);
    if (!row?.file_id || row.file_size === null) return undefined;
    await fileRepository.noteDownload(tx, row.file_id, downloadedAt);
    await appendToOutbox(
      tx,
      shareDownloadedEvent(uuidv7(), {
        share_id: row.id,
        file_id: row.file_id,
        account_id: row.account_id,
        size_bytes: row.file_size,
        downloaded_at: downloadedAt.toISOString(),
      }),
    );
    return { ...row, file_id: row.file_id, file_size: row.file_size };
  });
  if (!taken) {
    // Another request took the last download, the link changed, or (folder links) the file left
    // the folder meanwhile: say which.
    const now = deps.clock.now();
    const fresh = await shareRepository.findByTokenHash(deps.pool, shareTokenHash(request.token));
    if (!fresh) throw shareErrors.shareNotFound();
    const reason = unusableReason(fresh, now);
    if (reason) throw reason;
    if (fresh.folder_id !== null) throw errors.fileNotFound(file.id);
    throw shareErrors.shareExhausted(share.max_downloads ?? 0);
  }
  return {
    method: 'GET' as const,
    url: signed.url,
    expires_at: signed.expiresAt.toISOString(),
    name: taken.file_name ?? file.name,
    size: taken.file_size,
    content_type: taken.file_content_type ?? 'application/octet-stream',
  };
}

export async function checkPassword(
  deps: SharesDeps,
  shareId: string,
  passwordHash: string,
  request: { password?: string; ip: string },
): Promise<void> {
  if (request.password === undefined) throw shareErrors.sharePasswordRequired();
  await deps.passwordRateLimit.beforeAttempt(request.ip, shareId);
  if (!(await deps.passwords.verify(request.password, passwordHash))) throw shareErrors.sharePasswordIncorrect();
  await deps.passwordRateLimit.afterSuccess(shareId);
}
