// Finding and creating folders by path, and the naming rules every placement shares. Callers hold
// the account lock (account-lock.ts), so what is checked here stays true until they commit.
import type { CommonQueryMethods } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { errors } from '#src/platform/errors.js';
import { ancestorPaths, joinPath } from './folder-paths.js';
import { folderRepository, type FolderRow } from './folder-repository.js';

/**
 * The folder at `segments` below `parent` (null: the root), creating the missing ones. A file
 * holding one of the names is a conflict (409 `path_taken`): a file is never turned into a folder.
 * `failIfExists` is for "create this folder": the last one must be new.
 */
export async function ensureFolders(
  tx: CommonQueryMethods,
  accountId: string,
  parent: FolderRow | null,
  segments: readonly string[],
  at: Date,
  options: { failIfExists?: boolean } = {},
): Promise<FolderRow | null> {
  if (segments.length === 0) return parent;
  const fullPath = joinPath(parent?.path ?? '', segments.join('/'));
  const wanted = [...ancestorPaths(fullPath), fullPath].slice(-segments.length);
  const existing = new Map((await folderRepository.findByPaths(tx, accountId, wanted)).map((row) => [row.path, row]));
  let current = parent;
  for (const [i, path] of wanted.entries()) {
    const found = existing.get(path);
    if (found) {
      if (options.failIfExists && i === wanted.length - 1) throw errors.pathTaken(path, 'folder');
      current = found;
      continue;
    }
    const name = segments[i]!;
    const holder = await folderRepository.holderOf(tx, accountId, current?.id ?? null, name);
    if (holder) throw errors.pathTaken(path, holder.kind);
    current = await folderRepository.insert(tx, { id: uuidv7(), accountId, parentId: current?.id ?? null, name, path, at });
  }
  return current;
}

/** A live folder of this account, or 404. `null` is the root. */
export async function liveFolder(db: CommonQueryMethods, accountId: string, id: string | null): Promise<FolderRow | null> {
  if (id === null) return null;
  const folder = await folderRepository.findLive(db, accountId, id);
  if (!folder) throw errors.folderNotFound(id);
  return folder;
}

/** `report.pdf` → `report (1).pdf`, `report (2).pdf`, …: the first that nothing in the folder holds. */
export async function freeName(tx: CommonQueryMethods, accountId: string, folderId: string | null, name: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let first = 1; ; first += 100) {
    const candidates = Array.from({ length: 100 }, (_, i) => fitName(stem, ` (${first + i})`, extension));
    const taken = new Set(await folderRepository.takenNames(tx, accountId, folderId, candidates));
    const free = candidates.find((candidate) => !taken.has(candidate));
    if (free !== undefined) return free;
  }
}

/** Shortens the stem so the name stays within 255 bytes of UTF-8 (without splitting a character). */
function fitName(stem: string, suffix: string, extension: string): string {
  let cut = [...stem];
  while (Buffer.byteLength(cut.join('') + suffix + extension, 'utf8') > 255 && cut.length > 1) cut = cut.slice(0, -1);
  return cut.join('') + suffix + extension;
}
