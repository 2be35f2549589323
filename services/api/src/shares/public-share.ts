// The public side of share links: anyone holding a token may see what it offers and download it,
// never more. Order of checks: unknown token (404), a link that no longer works (410, before any
// password is asked for, so a dead link never costs a password attempt), the password (limited
// per link and per address), then one download taken atomically and recorded with its event.
import { v7 as uuidv7 } from 'uuid';
import { shareDownloadedEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { shareErrors } from './share-errors.js';
import { publicShareJson } from './share-json.js';
import { shareRepository, type ShareRow } from './share-repository.js';
import { unusableReason } from './share-state.js';
import { shareTokenHash } from './share-token.js';
import type { SharesDeps } from './shares-deps.js';

async function usableShare(deps: SharesDeps, token: string, now: Date): Promise<ShareRow> {
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
}

export async function downloadThroughShare(deps: SharesDeps, request: PublicDownloadRequest) {
  const share = await usableShare(deps, request.token, deps.clock.now());
  if (share.password_hash !== null) await checkPassword(deps, share.id, share.password_hash, request);

  // Signed before the download is counted: signing can fail (storage credentials), and a URL made
  // for a download that then is not taken is simply never handed out.
  const signed = await deps.store.presignGet(share.file_object_key, {
    downloadFileName: share.file_name,
    expiresInSeconds: deps.config.SHARE_DOWNLOAD_TTL_SECONDS,
  });
  const downloadedAt = deps.clock.now();
  const taken = await deps.pool.transaction(async (tx) => {
    const row = await shareRepository.takeDownload(tx, share.id, downloadedAt);
    if (!row) return undefined;
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
    return row;
  });
  if (!taken) {
    // Another request took the last download, or the link changed meanwhile: say which.
    const now = deps.clock.now();
    const fresh = await shareRepository.findByTokenHash(deps.pool, shareTokenHash(request.token));
    throw (fresh && unusableReason(fresh, now)) ?? shareErrors.shareExhausted(share.max_downloads ?? 0);
  }
  return {
    method: 'GET' as const,
    url: signed.url,
    expires_at: signed.expiresAt.toISOString(),
    name: taken.file_name,
    size: taken.file_size,
    content_type: taken.file_content_type,
  };
}

async function checkPassword(deps: SharesDeps, shareId: string, passwordHash: string, request: PublicDownloadRequest): Promise<void> {
  if (request.password === undefined) throw shareErrors.sharePasswordRequired();
  await deps.passwordRateLimit.beforeAttempt(request.ip, shareId);
  if (!(await deps.passwords.verify(request.password, passwordHash))) throw shareErrors.sharePasswordIncorrect();
  await deps.passwordRateLimit.afterSuccess(shareId);
}
