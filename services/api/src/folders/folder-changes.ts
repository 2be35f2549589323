// Creating, renaming, moving and deleting folders. Each runs in one transaction after the account
// lock (account-lock.ts), so the checks it makes still hold when it commits.
import { folderMovedEvent, type FolderLocation } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { v7 as uuidv7 } from 'uuid';
import { removeDeletedObjects, stopBilling } from '#src/files/file-deletion.js';
import type { FileRow } from '#src/files/file-repository.js';
import type { FilesDeps } from '#src/files/files-deps.js';
import { errors } from '#src/platform/errors.js';
import { lockAccount } from './account-lock.js';
import { byteLength, checkFolderPathBytes, joinPath, subtreeStart, validFolderName, validFolderPath } from './folder-paths.js';
import { folderRepository, type FolderRow } from './folder-repository.js';
import { ensureFolders, liveFolder } from './folder-tree.js';

/** Files whose billing one statement stops; the events go in one statement per batch too. */
const DELETE_BATCH = 1000;
/** Up to this many objects are removed before a recursive delete answers; more are removed after. */
const REMOVE_BEFORE_ANSWER = 1000;

export async function createFolder(
  deps: Pick<FilesDeps, 'pool' | 'clock'>,
  accountId: string,
  input: { path: string; parent_id?: string | null },
): Promise<FolderRow> {
  const at = deps.clock.now();
  return deps.pool.transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const parent = await liveFolder(tx, accountId, input.parent_id ?? null);
    const segments = validFolderPath(input.path, parent?.path ?? '');
    return (await ensureFolders(tx, accountId, parent, segments, at, { failIfExists: true }))!;
  });
}

/**
 * Renames and/or moves a folder (`parent_id` null: to the root). Two statements over folder rows,
 * however many files are inside: files keep their folder, their storage key and their billing.
 * Writes one `folder.moved` event (for webhooks; metering reads past it) in the same transaction:
 * one for the folder, never one per file inside, so the cost stays independent of its size.
 */
export async function updateFolder(
  deps: Pick<FilesDeps, 'pool' | 'clock'>,
  accountId: string,
  id: string,
  change: { name?: string; parent_id?: string | null },
): Promise<FolderRow> {
  const newName = change.name === undefined ? undefined : validFolderName(change.name);
  const at = deps.clock.now();
  return deps.pool.transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const folder = (await liveFolder(tx, accountId, id))!;
    const parentId = change.parent_id === undefined ? folder.parent_id : change.parent_id;
    const parent = await liveFolder(tx, accountId, parentId);
    if (parent && (parent.id === folder.id || parent.path.startsWith(subtreeStart(folder.path)))) throw errors.folderCycle();
    const name = newName ?? folder.name;
    if (name === folder.name && parentId === folder.parent_id) return folder;
    const path = joinPath(parent?.path ?? '', name);
    const holder = await folderRepository.holderOf(tx, accountId, parentId, name);
    if (holder && holder.id !== folder.id) throw errors.pathTaken(path, holder.kind);
    // Every folder inside moves too: the deepest must stay within the limit.
    const deepest = await folderRepository.deepestPathBytes(tx, folder);
    checkFolderPathBytes(Math.max(byteLength(path), deepest - byteLength(folder.path) + byteLength(path)), newName === undefined ? '/body/parent_id' : '/body/name');
    const moved = await folderRepository.relocate(tx, folder, { parentId, name, path }, at);
    await appendToOutbox(tx, folderMovedEvent(uuidv7(), {
      folder_id: folder.id,
      account_id: accountId,
      from: locationOf(folder),
      to: locationOf(moved),
      moved_at: at.toISOString(),
    }));
    return moved;
  });
}

const locationOf = (folder: Pick<FolderRow, 'parent_id' | 'name' | 'path'>): FolderLocation => ({
  parent_id: folder.parent_id,
  name: folder.name,
  path: folder.path,
});

/**
 * Deletes a folder; with `recursive`, everything in it: every file's billing stops at the same
 * instant through the one deletion path (files/file-deletion.ts: rows → 'deleting', one
 * `file.deleted` each in the outbox), in the transaction that marks the folders deleted.
 */
export async function deleteFolder(
  deps: FilesDeps,
  accountId: string,
  id: string,
  recursive: boolean,
): Promise<{ deletedFiles: number; deletedFolders: number }> {
  const at = deps.clock.now();
  const { files, folders } = await deps.pool.transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const folder = (await liveFolder(tx, accountId, id))!;
    const folderIds = await folderRepository.subtreeIds(tx, folder);
    const fileIds = await folderRepository.storedFileIdsIn(tx, accountId, folderIds);
    if (!recursive && (folderIds.length > 1 || fileIds.length > 0)) throw errors.folderNotEmpty(id);
    const stopped: FileRow[] = [];
    for (let i = 0; i < fileIds.length; i += DELETE_BATCH) {
      stopped.push(...(await stopBilling(tx, accountId, fileIds.slice(i, i + DELETE_BATCH), at)));
    }
    await folderRepository.markDeleted(tx, accountId, folderIds, at);
    return { files: stopped, folders: folderIds.length };
  });
  // Billing has stopped; removing the bytes may take a while for a large folder, so beyond a
  // thousand files it continues after the answer (anything it misses, the sweeper finishes).
  const removal = removeDeletedObjects(deps, files);
  if (files.length <= REMOVE_BEFORE_ANSWER) await removal;
  else removal.catch((error: unknown) => deps.logger.error({ err: error, folderId: id }, 'removing the objects of a deleted folder failed; left for the sweeper'));
  return { deletedFiles: files.length, deletedFolders: folders };
}
