import type { ShareRow } from './share-repository.js';
import { downloadsRemaining, shareStatus } from './share-state.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The owner's view of a link: never its token (not kept) nor its password hash. */
export function shareJson(row: ShareRow, now: Date) {
  return {
    id: row.id,
    target: {
      type: row.folder_id === null ? ('file' as const) : ('folder' as const),
      id: row.folder_id ?? row.file_id ?? '',
      name: row.target_name,
      size: row.target_size,
    },
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

/** What anyone holding the token may see. Nothing about the file or folder until the password is given. */
export function publicShareJson(row: ShareRow) {
  const type = row.folder_id === null ? ('file' as const) : ('folder' as const);
  const common = { type, expires_at: isoOrNull(row.expires_at), downloads_remaining: downloadsRemaining(row) };
  if (row.password_hash !== null) return { ...common, password_required: true };
  if (type === 'folder') return { ...common, password_required: false, name: row.target_name };
  return { ...common, password_required: false, name: row.target_name, size: row.target_size, content_type: row.file_content_type ?? '' };
}
