import type { DatabasePool } from 'slonik';
import type { Clock } from '@baketsu/platform/clock';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import type { FileRow } from './file-repository.js';
import { sha256Hex } from './file-input.js';

export interface FilesDeps {
  pool: DatabasePool;
  store: ObjectStore;
  clock: Clock;
  config: Config;
  logger: Logger;
}

/** The server chooses every key: under the account's prefix, named by the upload, never by the user. */
export const objectKeyFor = (accountId: string, uploadId: string) => `${accountId}/${uploadId}`;

export function fileJson(row: FileRow) {
  return {
    id: row.id,
    name: row.name,
    path: row.folder_path === null ? row.name : `${row.folder_path}/${row.name}`,
    folder_id: row.folder_id,
    size: row.size_bytes,
    content_type: row.content_type,
    // Left out of the JSON when absent.
    sha256: row.sha256 === null ? undefined : sha256Hex(row.sha256),
    tags: row.tags,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
export type FileJson = ReturnType<typeof fileJson>;
