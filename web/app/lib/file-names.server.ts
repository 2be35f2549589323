// File names for the dashboard's "costliest files" panel. The usage read model knows files by id
// only, and asking the API for each name on every render was over half of the page's API calls,
// so names are kept briefly per process. Renames made here drop the entry at once; a rename made
// elsewhere (an SDK app) shows within NAME_TTL_MS.
import { NotFoundError, type Baketsu } from '@baketsu/sdk';

const NAME_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const names = new Map<string, { name: string | null; expires: number }>();

export async function fileName(api: Baketsu, accountId: string, fileId: string): Promise<string | null> {
  const key = `${accountId}:${fileId}`;
  const cached = names.get(key);
  if (cached && cached.expires > Date.now()) return cached.name;
  // Only the API saying the file is gone (404) makes the name null. Anything else (a 5xx, a 429,
  // the sign-in redirect) says nothing about the file: cached as null it would show an existing
  // file as deleted for NAME_TTL_MS, so it propagates and nothing is cached.
  const name = await api.files.get(fileId).then(
    (file) => file.name,
    (error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    },
  );
  if (names.size >= MAX_ENTRIES) names.delete(names.keys().next().value!);
  names.set(key, { name, expires: Date.now() + NAME_TTL_MS });
  return name;
}

export function forgetFileNames(accountId: string, fileIds: Iterable<string>): void {
  for (const fileId of fileIds) names.delete(`${accountId}:${fileId}`);
}
