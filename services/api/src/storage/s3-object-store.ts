// ObjectStore over any S3 API (AWS, R2, versitygw, MinIO, SeaweedFS).
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { systemClock, type Clock } from '@baketsu/platform/clock';
import { attachmentDisposition } from '#src/storage/content-disposition.js';
import {
  bareEtag,
  CREATE_ONLY,
  MAX_PRESIGN_SECONDS,
  ObjectStoreError,
  type ObjectStore,
  type ObjectStoreErrorCode,
  type PendingMultipartUpload,
  type UploadedPart,
} from '#src/storage/object-store.js';

export interface S3ObjectStoreOptions {
  /** For server-side calls (head, list, delete, multipart bookkeeping). */
  client: S3Client;
  /**
   * For URLs handed to clients, when they reach storage at another address than the API
   * does (e.g. a public endpoint). Must be built with
   * `requestChecksumCalculation: 'WHEN_REQUIRED'`, or the SDK bakes a checksum of the
   * (absent) body into every URL and all uploads fail; checked on first use.
   * `forcePathStyle: true` for versitygw/MinIO. Defaults to `client`.
   */
  presignClient?: S3Client;
  bucket: string;
  clock?: Clock;
}

// Headers to bind. S3's presigner always drops content-type unless told otherwise;
// content-length (what makes storage refuse another size) is signed whenever ContentLength
// is set, listed to say so. if-none-match makes the PUT create-only (AWS S3, versitygw ≥ 1.0
// and MinIO answer 412 PreconditionFailed when the key holds an object); signed, so a client
// cannot drop it to overwrite a completed file. Parts bind only their length: the SDK gives
// UploadPart a default content-type the client would have to repeat, and a part's type
// means nothing. A part cannot change a completed object: its upload id is gone.
const SIGNED_PUT = new Set(['content-type', 'content-length', 'if-none-match']);
const SIGNED_PART = new Set(['content-length']);
// Left as a header (not hoisted into the query) so S3 verifies the body against it.
const UNHOISTED = new Set(['x-amz-checksum-sha256']);

type PresignArguments = NonNullable<Parameters<typeof getSignedUrl>[2]>;

export function s3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const { client, bucket, clock = systemClock } = options;
  const presignClient = options.presignClient ?? client;
  let presignClientChecked: Promise<void> | undefined;

  // The command is signed through a callback because getSignedUrl's generics accept one
  // command type per call site.
  async function presign(
    expiresInSeconds: number,
    signableHeaders: Set<string>,
    sign: (options: PresignArguments) => Promise<string>,
  ): Promise<{ url: string; expiresAt: Date }> {
    presignClientChecked ??= checkPresignClient(presignClient);
    await presignClientChecked;
    assertExpiry(expiresInSeconds);
    const signingDate = clock.now();
    const url = await sign({
      expiresIn: expiresInSeconds,
      signingDate,
      signableHeaders,
      unhoistableHeaders: UNHOISTED,
    });
    return { url, expiresAt: new Date(signingDate.getTime() + expiresInSeconds * 1000) };
  }

  return {
    async presignPut(key, { size, contentType, sha256Base64, expiresInSeconds }) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentLength: size,
        ContentType: contentType,
        ChecksumSHA256: sha256Base64,
        IfNoneMatch: CREATE_ONLY['if-none-match'],
      });
      const { url, expiresAt } = await presign(expiresInSeconds, SIGNED_PUT, (o) => getSignedUrl(presignClient, command, o));
      const headers: Record<string, string> = { 'content-type': contentType, ...CREATE_ONLY };
      if (sha256Base64 !== undefined) headers['x-amz-checksum-sha256'] = sha256Base64;
      return { method: 'PUT', url, headers, expiresAt };
    },

    async createMultipartUpload(key, { contentType }) {
      const out = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      );
      if (!out.UploadId) throw new Error(`S3 returned no UploadId for ${key}`);
      return { multipartId: out.UploadId };
    },

    async presignUploadPart(key, multipartId, partNumber, { size, expiresInSeconds }) {
      const command = new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: multipartId,
        PartNumber: partNumber,
        ContentLength: size,
      });
      const { url, expiresAt } = await presign(expiresInSeconds, SIGNED_PART, (o) => getSignedUrl(presignClient, command, o));
      return { method: 'PUT', url, headers: {}, expiresAt };
    },

    async listParts(key, multipartId) {
      const parts: UploadedPart[] = [];
      let marker: string | undefined;
      do {
        const out = await mapErrors(
          client.send(
            new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: multipartId, PartNumberMarker: marker }),
          ),
        );
        for (const p of out.Parts ?? []) {
          if (p.PartNumber === undefined || p.ETag === undefined) continue;
          parts.push({ partNumber: p.PartNumber, size: p.Size ?? 0, etag: p.ETag });
        }
        marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
      } while (marker);
      return parts.sort((a, b) => a.partNumber - b.partNumber);
    },

    async completeMultipartUpload(key, multipartId, parts) {
      try {
        await mapErrors(
          client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: multipartId,
              MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
              // Never replaces an object: a second completion of the same upload id, which
              // versitygw would otherwise accept again, is refused like any other writer.
              IfNoneMatch: CREATE_ONLY['if-none-match'],
            }),
          ),
        );
      } catch (error) {
        // versitygw answers InvalidPart for an upload that is gone (AWS: NoSuchUpload). A
        // retried completion whose first attempt succeeded depends on telling them apart.
        if (error instanceof ObjectStoreError && error.code !== 'NoSuchUpload' && error.code !== 'ObjectExists') {
          await mapErrors(
            client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: multipartId, MaxParts: 1 })),
          );
        }
        throw error;
      }
    },

    async abortMultipartUpload(key, multipartId) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: multipartId }));
      } catch (error) {
        if (errorName(error) !== 'NoSuchUpload') throw error;
      }
    },

    async listMultipartUploads(prefix) {
      const uploads: PendingMultipartUpload[] = [];
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      for (;;) {
        const out = await client.send(
          new ListMultipartUploadsCommand({
            Bucket: bucket,
            Prefix: prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const u of out.Uploads ?? []) {
          if (!u.Key || !u.UploadId) continue;
          uploads.push({ key: u.Key, multipartId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
        }
        if (!out.IsTruncated) return uploads;
        keyMarker = out.NextKeyMarker;
        uploadIdMarker = out.NextUploadIdMarker;
      }
    },

    async headObject(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        const sha256Base64 = fullObject(out.ChecksumSHA256, out.ChecksumType);
        const checksum = strongestChecksum(out);
        return {
          size: out.ContentLength ?? 0,
          contentType: out.ContentType,
          ...(sha256Base64 === undefined ? {} : { sha256Base64 }),
          ...(checksum === undefined ? {} : { checksum }),
          ...(out.ETag === undefined ? {} : { etag: bareEtag(out.ETag) }),
          lastModified: out.LastModified ?? new Date(0),
        };
      } catch (error) {
        // HEAD has no body, so S3 can only say "NotFound"; some servers say NoSuchKey.
        if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey') return null;
        throw error;
      }
    },

    async deleteObject(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        // AWS answers 204 for a missing key; some S3 servers answer NoSuchKey.
        if (errorName(error) !== 'NoSuchKey') throw error;
      }
    },

    async presignGet(key, { downloadFileName, expiresInSeconds }) {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(downloadFileName),
      });
      const { url, expiresAt } = await presign(expiresInSeconds, new Set(), (o) => getSignedUrl(presignClient, command, o));
      return { method: 'GET', url, headers: {}, expiresAt };
    },

    async listObjects(prefix, { startAfter, limit }) {
      const out = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          StartAfter: startAfter,
          MaxKeys: Math.max(1, Math.min(limit, 1000)),
        }),
      );
      const objects = (out.Contents ?? []).flatMap((o) =>
        o.Key
          ? [{ key: o.Key, size: o.Size ?? 0, ...(o.ETag ? { etag: bareEtag(o.ETag) } : {}), lastModified: o.LastModified ?? new Date(0) }]
          : [],
      );
      const last = objects.at(-1)?.key;
      return out.IsTruncated && last !== undefined ? { objects, nextStartAfter: last } : { objects };
    },
  };
}

// A composite checksum of a multipart object is a checksum of part checksums ("…-3"), not
// one of its bytes; reporting it as one would make every comparison against it fail.
function fullObject(value: string | undefined, type: string | undefined): string | undefined {
  if (value === undefined || type === 'COMPOSITE' || value.includes('-')) return undefined;
  return value;
}

// Strongest first. Without a declared SHA-256, AWS S3 (since 2024-12) and versitygw compute a
// full-object CRC64NVME of every upload, so there is nearly always one to record.
const CHECKSUMS = [
  ['sha256', 'ChecksumSHA256'],
  ['sha1', 'ChecksumSHA1'],
  ['crc64nvme', 'ChecksumCRC64NVME'],
  ['crc32c', 'ChecksumCRC32C'],
  ['crc32', 'ChecksumCRC32'],
] as const satisfies ReadonlyArray<readonly [string, keyof HeadObjectCommandOutput]>;

function strongestChecksum(out: HeadObjectCommandOutput): string | undefined {
  for (const [algorithm, field] of CHECKSUMS) {
    const value = fullObject(out[field], out.ChecksumType);
    if (value !== undefined) return `${algorithm}:${value}`;
  }
  return undefined;
}

async function checkPresignClient(presignClient: S3Client): Promise<void> {
  const mode = await presignClient.config.requestChecksumCalculation();
  if (mode !== 'WHEN_REQUIRED') {
    throw new Error(
      "s3ObjectStore: the presigning S3Client needs requestChecksumCalculation: 'WHEN_REQUIRED'",
    );
  }
}

function assertExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer in 1..${MAX_PRESIGN_SECONDS}`);
  }
}

const MAPPED: Record<string, ObjectStoreErrorCode> = {
  NoSuchUpload: 'NoSuchUpload',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPart',
  EntityTooSmall: 'EntityTooSmall',
  PreconditionFailed: 'ObjectExists',
};

async function mapErrors<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const code = MAPPED[errorName(error) ?? ''];
    if (code) throw new ObjectStoreError(code, (error as Error).message, { cause: error });
    throw error;
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
