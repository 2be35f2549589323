// What a link can do at a given instant, decided in one place for the owner's view, the public
// page and the download. Pure: the instant is passed in.
import type { Problem } from '#src/platform/problem.js';
import { shareErrors } from './share-errors.js';

export type ShareStatus = 'active' | 'expired' | 'revoked' | 'exhausted' | 'target_deleted';

export interface ShareState {
  revoked_at: number | null;
  expires_at: number | null;
  max_downloads: number | null;
  download_count: number;
  target_status: 'stored' | 'deleting' | 'deleted';
  /** Set for a folder link. */
  folder_id?: string | null;
}

/** The owner's intent first (revoked), then the target, then time, then use. */
export function shareStatus(share: ShareState, now: Date): ShareStatus {
  if (share.revoked_at !== null) return 'revoked';
  if (share.target_status !== 'stored') return 'target_deleted';
  if (share.expires_at !== null && share.expires_at <= now.getTime()) return 'expired';
  if (share.max_downloads !== null && share.download_count >= share.max_downloads) return 'exhausted';
  return 'active';
}

export function downloadsRemaining(share: Pick<ShareState, 'max_downloads' | 'download_count'>): number | null {
  return share.max_downloads === null ? null : Math.max(0, share.max_downloads - share.download_count);
}

/** The 410 problem for a link that no longer works; undefined for an active one. */
export function unusableReason(share: ShareState, now: Date): Problem | undefined {
  switch (shareStatus(share, now)) {
    case 'active':
      return undefined;
    case 'revoked':
      return shareErrors.shareRevoked();
    case 'target_deleted':
      return shareErrors.shareTargetDeleted(share.folder_id ? 'folder' : 'file');
    case 'expired':
      return shareErrors.shareExpired(new Date(share.expires_at ?? now.getTime()));
    case 'exhausted':
      return shareErrors.shareExhausted(share.max_downloads ?? 0);
  }
}
