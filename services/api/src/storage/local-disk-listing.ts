// Listing the local disk store in S3 order (ascending UTF-8 bytes of the key) without
// reading the whole tree: a depth-first walk that visits each folder's entries sorted as
// `name` for files and `name/` for folders — exactly the order of the keys beneath them —
// and skips folders that hold no key under the prefix or after `startAfter`.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isCode, metaDescribes, metaPath, readJson, statFile, type Layout, type ObjectMeta } from '#src/storage/local-disk-files.js';
import type { ListedObject, ObjectPage } from '#src/storage/object-store.js';

/** S3 orders keys by their UTF-8 bytes, which differs from JS string order past U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Same page size cap as S3, so callers written against one work with the other. */
const MAX_PAGE = 1000;

export async function listObjectPage(
  layout: Layout,
  prefix: string,
  startAfter: string | undefined,
  limit: number,
): Promise<ObjectPage> {
  const pageSize = Math.max(1, Math.min(limit, MAX_PAGE));
  const objects: ListedObject[] = [];
  // One more than a page tells whether another page follows.
  for await (const object of walk(layout, layout.objects, '', prefix, startAfter)) {
    if (objects.length === pageSize) return { objects, nextStartAfter: objects.at(-1)!.key };
    objects.push(object);
  }
  return { objects };
}

async function* walk(
  layout: Layout,
  dir: string,
  keyPrefix: string,
  prefix: string,
  startAfter: string | undefined,
): AsyncGenerator<ListedObject> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // A folder pruned by a concurrent delete, or a store nothing was written to yet.
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return;
    throw error;
  }
  const sorted = entries
    .filter((e) => e.isFile() || e.isDirectory())
    .map((e) => ({ name: e.name, key: keyPrefix + e.name + (e.isDirectory() ? '/' : ''), isDir: e.isDirectory() }))
    .sort((a, b) => compareKeys(a.key, b.key));

  for (const entry of sorted) {
    if (entry.isDir) {
      if (!(entry.key.startsWith(prefix) || prefix.startsWith(entry.key))) continue;
      // Every key below starts with entry.key: all are ≤ startAfter when entry.key sorts
      // before it and is not one of its prefixes.
      if (startAfter !== undefined && !startAfter.startsWith(entry.key) && compareKeys(entry.key, startAfter) < 0) {
        continue;
      }
      yield* walk(layout, path.join(dir, entry.name), entry.key, prefix, startAfter);
    } else {
      if (!entry.key.startsWith(prefix)) continue;
      if (startAfter !== undefined && compareKeys(entry.key, startAfter) <= 0) continue;
      const stats = await statFile(path.join(dir, entry.name));
      if (!stats) continue;
      // The ETag only while the metadata still describes these bytes: otherwise there is none
      // to vouch for, and a caller that cares asks headObject, which hashes the bytes.
      const meta = await readJson<ObjectMeta>(metaPath(layout, entry.key));
      const etag = metaDescribes(meta, stats) ? meta.md5Hex : undefined;
      yield { key: entry.key, size: stats.size, ...(etag === undefined ? {} : { etag }), lastModified: stats.mtime };
    }
  }
}
