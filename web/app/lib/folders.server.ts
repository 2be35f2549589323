// The folder browser's data and changes, through the SDK.
import { NotFoundError, type Baketsu, type Folder } from '@baketsu/sdk';
import { z } from 'zod';
import { QUERY_MAX_LENGTH } from './file-filters.js';

const uuid = z.string().uuid();

// Typed by anyone: a value the API would refuse falls back to the root / no search.
const querySchema = z.object({
  in: uuid.optional().catch(undefined),
  q: z.string().trim().max(QUERY_MAX_LENGTH).optional().transform((v) => v || undefined).catch(undefined),
  cursor: z.string().max(2048).optional().transform((v) => v || undefined).catch(undefined),
});
export type FolderQuery = z.infer<typeof querySchema>;

export function parseFolderQuery(url: URL): FolderQuery {
  return querySchema.parse(Object.fromEntries(url.searchParams));
}

/** One page of a folder (or a search below it) and what everything in it costs this month. */
export async function loadFolder(api: Baketsu, query: FolderQuery) {
  const ref = query.in ?? 'root';
  const [listing, usage] = await Promise.all([
    api.folders.children(ref, { limit: 100, ...(query.q ? { q: query.q } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) }),
    // At the top, the account's usage from the read model the dashboard shows (the same figures,
    // without summing every file of a large account from its rows on each visit).
    ref === 'root' ? api.usage.get() : api.folders.usage(ref),
  ]);
  return { listing, usage };
}

const ids = (form: FormData, name: string) => form.getAll(name).map(String).filter((id) => uuid.safeParse(id).success);

/** Where "Move to" points: `root`, a folder id, or a typed path (created when missing). */
async function moveTarget(api: Baketsu, form: FormData): Promise<string | null> {
  const id = String(form.get('target') ?? '');
  if (id === 'root') return null;
  if (uuid.safeParse(id).success) return id;
  const path = String(form.get('path') ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (path === '') return null;
  let folder: Folder;
  try {
    folder = await api.folders.getByPath(path);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    folder = await api.folders.create(path);
  }
  return folder.id;
}

export type FolderAction = 'create-folder' | 'rename-folder' | 'move' | 'delete';

/** Runs one change from the browser's forms; API problems reach the caller as SDK errors. */
export async function changeFolders(api: Baketsu, form: FormData): Promise<void> {
  const files = ids(form, 'files');
  const folders = ids(form, 'folders');
  switch (form.get('intent') as FolderAction) {
    case 'create-folder': {
      const parent = String(form.get('parent') ?? '');
      await api.folders.create(String(form.get('name') ?? '').trim(), { parentId: uuid.safeParse(parent).success ? parent : null });
      return;
    }
    case 'rename-folder':
      await api.folders.rename(String(form.get('id') ?? ''), String(form.get('name') ?? '').trim());
      return;
    case 'move': {
      const target = await moveTarget(api, form);
      if (files.length > 0) await api.files.moveMany(files, target);
      for (const folder of folders) if (folder !== target) await api.folders.move(folder, target);
      return;
    }
    case 'delete':
      if (files.length > 0) await api.files.deleteMany(files);
      for (const folder of folders) await api.folders.delete(folder, { recursive: true });
      return;
    default:
      throw new TypeError('Unknown action');
  }
}
