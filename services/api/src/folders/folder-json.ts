import type { FolderRow, FolderTotals } from './folder-repository.js';

export function folderJson(row: FolderRow, totals: FolderTotals) {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    parent_id: row.parent_id,
    stored_bytes: totals.storedBytes,
    file_count: totals.fileCount,
    folder_count: totals.folderCount,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
export type FolderJson = ReturnType<typeof folderJson>;
