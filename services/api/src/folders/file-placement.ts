// Where a file goes: at completion of an upload (its path, with the conflict policy), and when it is
// renamed or moved. A move or rename changes the file's folder_id or name and nothing else: the
// storage key and the billed interval are untouched, so billing does not notice. It does write a
// `file.moved` event (for webhooks), in the same transaction, which metering reads past.
import { fileMovedEvent, type FileLocation, type FileMovedEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import type { DatabaseTransactionConnection } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { stopBilling } from '#src/files/file-deletion.js';
import { fileRepository, type FileRow } from '#src/files/file-repository.js';
import { errors } from '#src/platform/errors.js';
import { lockAccount } from './account-lock.js';
import { joinPath, validFilePath } from './folder-paths.js';
import { folderRepository } from './folder-repository.js';
import { ensureFolders, freeName, liveFolder } from './folder-tree.js';

export type ConflictPolicy = 'fail' | 'rename' | 'replace';

export interface Placement {
  folderId: string | null;
  name: string;
  /** Files `replace` deleted (billing stopped in this transaction); their objects go after commit. */
  replaced: readonly FileRow[];
}

/**
 * Decides where a new file goes, in the transaction that will insert it: creates missing folders,
 * applies the conflict policy. Takes the account lock first.
 */
export async function placeNewFile(
  tx: DatabaseTransactionConnection,
  accountId: string,
  storedPath: string,
  policy: ConflictPolicy,
  at: Date,
): Promise<Placement> {
  await lockAccount(tx, accountId);
  const path = validFilePath(storedPath);
  const folder = await ensureFolders(tx, accountId, null, path.folders, at);
  const folderId = folder?.id ?? null;
  const holder = await folderRepository.holderOf(tx, accountId, folderId, path.name);
  if (!holder) return { folderId, name: path.name, replaced: [] };
  const fullPath = joinPath(folder?.path ?? '', path.name);
  if (policy === 'rename') return { folderId, name: await freeName(tx, accountId, folderId, path.name), replaced: [] };
  // A folder is never replaced by a file: that would delete everything in it.
  if (policy === 'fail' || holder.kind === 'folder') throw errors.pathTaken(fullPath, holder.kind);
  return { folderId, name: path.name, replaced: await stopBilling(tx, accountId, [holder.id], at) };
}

/** PATCH /v1/files/{id} with a new name and/or folder (`null`: the root). */
export async function moveFile(
  tx: DatabaseTransactionConnection,
  accountId: string,
  id: string,
  change: { name?: string; folderId?: string | null; tags?: string[] },
  at: Date,
): Promise<FileRow | null> {
  await lockAccount(tx, accountId);
  const file = await fileRepository.find(tx, accountId, id);
  if (!file) return null;
  const target = change.folderId === undefined ? file.folder_id : change.folderId;
  const folder = await liveFolder(tx, accountId, target);
  const name = change.name ?? file.name;
  if (target !== file.folder_id || name !== file.name) {
    const holder = await folderRepository.holderOf(tx, accountId, target, name);
    if (holder && holder.id !== file.id) throw errors.pathTaken(joinPath(folder?.path ?? '', name), holder.kind);
  }
  const moved = await fileRepository.update(tx, accountId, id, { ...change, folderId: target }, at);
  if (moved && (moved.folder_id !== file.folder_id || moved.name !== file.name)) await appendAllToOutbox(tx, [movedEvent(file, moved, at)]);
  return moved;
}

const locationOf = (file: Pick<FileRow, 'folder_id' | 'folder_path' | 'name'>): FileLocation => ({
  folder_id: file.folder_id,
  name: file.name,
  path: file.folder_path === null ? file.name : joinPath(file.folder_path, file.name),
});

function movedEvent(before: FileRow, after: Pick<FileRow, 'folder_id' | 'folder_path' | 'name'>, at: Date): FileMovedEvent {
  return fileMovedEvent(uuidv7(), {
    file_id: before.id,
    account_id: before.account_id,
    from: locationOf(before),
    to: locationOf(after),
    moved_at: at.toISOString(),
  });
}

/** POST /v1/files/bulk-move: all of them, or none when a name is taken. Returns the ids moved. */
export async function moveFiles(
  tx: DatabaseTransactionConnection,
  accountId: string,
  ids: readonly string[],
  targetId: string | null,
  at: Date,
): Promise<string[]> {
  await lockAccount(tx, accountId);
  const folder = await liveFolder(tx, accountId, targetId);
  const files = await fileRepository.findMany(tx, accountId, [...new Set(ids)]);
  const moving = files.filter((file) => file.folder_id !== targetId);
  const names = moving.map((file) => file.name);
  const clashes = new Set(await folderRepository.takenNames(tx, accountId, targetId, names));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) clashes.add(name);
    seen.add(name);
  }
  if (clashes.size > 0) throw errors.pathTaken(folder?.path ?? '', 'files', [...clashes]);
  await fileRepository.moveMany(tx, accountId, moving.map((file) => file.id), targetId, at);
  const to = { folder_id: targetId, folder_path: folder?.path ?? null };
  await appendAllToOutbox(tx, moving.map((file) => movedEvent(file, { ...to, name: file.name }, at)));
  return files.map((file) => file.id);
}
