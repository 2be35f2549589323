import type { ShareRow } from './share-repository.js';
import { downloadsRemaining, shareStatus } from './share-state.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The owner's view of a link: never its token (not kept) nor its password hash. */
export function shareJson(row: ShareRow, now: Date) {
  return {
    id: row.id,
    target: { type: 'file' as const, id: row.file_id, name: row.file_name, size: row.file_size },
    status: shareStatus(row, now),
    password_protected: row.password_hash !== null,
    expires_at: isoOrNull(row.expires_at),
    max_downloads: row.max_downloads,
    download_count: row.download_count,
    downloads_remaining: downloadsRemaining(row),
    bytes_served: row.bytes_served,
    last_download_at: isoOrNull(row.last_download_at),
    revoked_at: isoOrNull(row.revoked_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}
export type ShareJson = ReturnType<typeof shareJson>;

/** What anyone holding the token may see. Nothing about the file until the password is given. */
export function publicShareJson(row: ShareRow) {
  const common = { type: 'file' as const, expires_at: isoOrNull(row.expires_at), downloads_remaining: downloadsRemaining(row) };
  if (row.password_hash !== null) return { ...common, password_required: true };
  return { ...common, password_required: false, name: row.file_name, size: row.file_size, content_type: row.file_content_type };
}
