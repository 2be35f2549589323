// ObjectStore on the local file system, for embedded mode (`npm start` with no servers).
// The API serves the signed URLs itself through `localDiskRouter`, mounted at `baseUrl`:
//
//   const storage = { rootDir: '.baketsu/objects', signingSecret, clock };
//   app.use('/storage', localDiskRouter(storage));          // before any body parser
//   const objectStore = localDiskObjectStore({ ...storage, baseUrl: `${publicUrl}/storage` });
//
// Known differences from S3: no Range requests; a key cannot also be the folder of
// another key (`a` and `a/b`), which server-chosen keys never need; and every key is
// write-once, whether or not a PUT asks for it with `If-None-Match: *` (see local-disk-files).
import { systemClock, type Clock } from '@baketsu/platform/clock';
import { attachmentDisposition } from '#src/storage/content-disposition.js';
import {
  hashFile,
  isCode,
  keySegments,
  layoutOf,
  metaDescribes,
  metaPath,
  objectPath,
  readJson,
  removeAndPrune,
  statFile,
  type Layout,
  type ObjectMeta,
} from '#src/storage/local-disk-files.js';
import { listObjectPage } from '#src/storage/local-disk-listing.js';
import {
  abortUpload,
  completeUpload,
  createUpload,
  listUploadParts,
  listUploads,
} from '#src/storage/local-disk-multipart.js';
import { encodeKeyPath, signedQuery, type SignedRequest } from '#src/storage/local-disk-signing.js';
import {
  CREATE_ONLY,
  MAX_PART_NUMBER,
  MAX_PRESIGN_SECONDS,
  MIN_PART_SIZE,
  type ObjectHead,
  type ObjectStore,
} from '#src/storage/object-store.js';

const gone = (error: unknown): null => {
  if (isCode(error, 'ENOENT')) return null;
  throw error;
};

/** What happened to an object, as S3 event notifications would report it. */
export type LocalDiskNotification =
  | { type: 'ObjectCreated'; key: string; size: number; at: Date }
  | { type: 'ObjectRemoved'; key: string; at: Date };

/** Shared by the adapter and its router; both must get the same values. */
export interface LocalDiskOptions {
  rootDir: string;
  /** HMAC key for the URLs; at least 32 characters of secret. */
  signingSecret: string;
  clock?: Clock;
  /** S3's 5 MiB by default, so code that works here also works against S3. */
  minPartSize?: number;
  /** Called after an object appears or is deleted; stands in for S3 → SQS notifications. */
  notify?: (notification: LocalDiskNotification) => void;
}

export interface LocalDiskObjectStoreOptions extends LocalDiskOptions {
  /** Public URL where `localDiskRouter` is mounted, e.g. `http://localhost:8000/storage`. */
  baseUrl: string;
}

/** S3's limit for one PUT (object or part). */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

export interface ResolvedLocalDisk {
  layout: Layout;
  secret: string;
  now: () => Date;
  minPartSize: number;
  notify: (notification: LocalDiskNotification) => void;
}

export function resolveLocalDisk(options: LocalDiskOptions): ResolvedLocalDisk {
  if (options.signingSecret.length < 32) throw new Error('local disk store: signingSecret needs at least 32 characters');
  return {
    layout: layoutOf(options.rootDir),
    secret: options.signingSecret,
    now: () => (options.clock ?? systemClock).now(),
    minPartSize: options.minPartSize ?? MIN_PART_SIZE,
    notify: options.notify ?? (() => {}),
  };
}

export function localDiskObjectStore(options: LocalDiskObjectStoreOptions): ObjectStore {
  const { layout, secret, now, minPartSize, notify } = resolveLocalDisk(options);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  function presign(request: Omit<SignedRequest, 'expires'>, expiresInSeconds: number) {
    keySegments(request.key); // never sign a URL the router would refuse
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`expiresInSeconds must be an integer in 1..${MAX_PRESIGN_SECONDS}`);
    }
    const expires = Math.floor(now().getTime() / 1000) + expiresInSeconds;
    const query = signedQuery(secret, { ...request, expires });
    return { url: `${baseUrl}/o/${encodeKeyPath(request.key)}?${query}`, expiresAt: new Date(expires * 1000) };
  }

  function checkSize(size: number | undefined): void {
    if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0 && size <= MAX_PUT_SIZE)) {
      throw new RangeError(`size must be an integer in 0..${MAX_PUT_SIZE}`);
    }
  }

  return {
    async presignPut(key, { size, contentType, sha256Base64, expiresInSeconds }) {
      checkSize(size);
      const headers: Record<string, string> = { 'content-type': contentType, ...CREATE_ONLY };
      if (sha256Base64 !== undefined) headers['x-amz-checksum-sha256'] = sha256Base64;
      const signed = presign(
        { method: 'PUT', key, headers: { ...headers, 'content-length': String(size) } },
        expiresInSeconds,
      );
      return { method: 'PUT', ...signed, headers };
    },

    async createMultipartUpload(key, { contentType }) {
      keySegments(key);
      return { multipartId: await createUpload(layout, key, contentType, now()) };
    },

    async presignUploadPart(key, multipartId, partNumber, { size, expiresInSeconds }) {
      checkSize(size);
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
        throw new RangeError(`partNumber must be an integer in 1..${MAX_PART_NUMBER}`);
      }
      const headers = size === undefined ? {} : { 'content-length': String(size) };
      const signed = presign({ method: 'PUT', key, uploadId: multipartId, partNumber, headers }, expiresInSeconds);
      return { method: 'PUT', ...signed, headers: {} };
    },

    listParts: (key, multipartId) => listUploadParts(layout, key, multipartId),

    async completeMultipartUpload(key, multipartId, parts) {
      await completeUpload(layout, key, multipartId, parts, minPartSize);
      const stats = await statFile(objectPath(layout, key));
      notify({ type: 'ObjectCreated', key, size: stats?.size ?? 0, at: now() });
    },

    abortMultipartUpload: (key, multipartId) => abortUpload(layout, key, multipartId),

    listMultipartUploads: (prefix) => listUploads(layout, prefix),

    async headObject(key) {
      const stats = await statFile(objectPath(layout, key));
      if (!stats) return null;
      const meta = await readJson<ObjectMeta>(metaPath(layout, key));
      const head: ObjectHead = { size: stats.size, lastModified: stats.mtime };
      if (metaDescribes(meta, stats)) head.contentType = meta.contentType;
      // Metadata is written just after the bytes are linked in; if a crash left none, or the
      // bytes were changed behind the store's back, the checksums come from the bytes themselves.
      const sums = metaDescribes(meta, stats) && meta.md5Hex !== undefined ? meta : await hashFile(objectPath(layout, key)).catch(gone);
      if (sums === null) return null; // deleted meanwhile
      head.sha256Base64 = sums.sha256Base64;
      head.checksum = `sha256:${sums.sha256Base64}`;
      head.etag = sums.md5Hex;
      return head;
    },

    async deleteObject(key) {
      const file = objectPath(layout, key);
      const existed = (await statFile(file)) !== null;
      await removeAndPrune(layout.objects, file);
      await removeAndPrune(layout.meta, metaPath(layout, key));
      if (existed) notify({ type: 'ObjectRemoved', key, at: now() });
    },

    async presignGet(key, { downloadFileName, expiresInSeconds }) {
      const disposition = attachmentDisposition(downloadFileName);
      return { method: 'GET', ...presign({ method: 'GET', key, disposition, headers: {} }, expiresInSeconds), headers: {} };
    },

    async listObjects(prefix, { startAfter, limit }) {
      return listObjectPage(layout, prefix, startAfter, limit);
    },
  };
}
