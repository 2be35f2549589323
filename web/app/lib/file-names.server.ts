// File names for the dashboard's "costliest files" panel. The usage read model knows files by id
// only, and asking the API for each name on every render was over half of the page's API calls,
// so names are kept briefly per process. Renames made here drop the entry at once; a rename made
// elsewhere (an SDK app) shows within NAME_TTL_MS.
import type { Baketsu } from '@baketsu/sdk';

const NAME_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const names = new Map<string, { name: string | null; expires: number }>();

export async function fileName(api: Baketsu, accountId: string, fileId: string): Promise<string | null> {
  const key = `${accountId}:${fileId}`;
  const cached = names.get(key);
  if (cached && cached.expires > Date.now()) return cached.name;
  // A deleted file has no name any more (404): remembered as null like any other answer.
  const name = await api.files.get(fileId).then((file) => file.name, () => null);
  if (names.size >= MAX_ENTRIES) names.delete(names.keys().next().value!);
  names.set(key, { name, expires: Date.now() + NAME_TTL_MS });
  return name;
}

export function forgetFileNames(accountId: string, fileIds: Iterable<string>): void {
  for (const fileId of fileIds) names.delete(`${accountId}:${fileId}`);
}
