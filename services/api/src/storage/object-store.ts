// The object-store port. Uploads and downloads never pass through the API process in
// scaled mode: the API hands out short-lived signed URLs and the client talks to storage
// directly. So every presign method returns exactly what a client needs to make the
// request (method, URL, headers), and the signature binds what we later bill for — the
// length, the type and, when the client gave one, the SHA-256 — so storage itself refuses
// other bytes and `headObject` at completion only confirms what was already enforced.
//
// Keys are chosen by the server (never by users), e.g. `<account id>/<upload id>`, and are
// write-once: a presigned PUT carries S3's conditional `If-None-Match: *` (signed, so it
// cannot be dropped), and completing a multipart upload never replaces an object either. So
// once `complete` has verified an object, no holder of a URL can change the bytes behind
// the file's size, checksum and bill.
// Adapters: `s3ObjectStore` (any S3: AWS, R2, versitygw, MinIO) and
// `localDiskObjectStore` + `localDiskRouter` (embedded mode: the API serves the URLs).

/** A request the client must make as given; it may add nothing but `Content-Length`. */
export interface PresignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  /**
   * Headers the client must send verbatim (they are part of the signature). A single PUT
   * includes `if-none-match: *`: storage answers 412 PreconditionFailed when the key
   * already holds an object, which for a retried PUT means "already stored".
   * `Content-Length` is signed too but is NOT listed: browsers forbid setting it and fetch
   * derives it from the body, so the body must have a known length (Blob, Buffer, file),
   * not a stream sent with chunked encoding.
   */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface PresignPutOptions {
  /** Exact byte length; storage refuses any other length. */
  size: number;
  contentType: string;
  /** Base64 SHA-256 of the whole body (S3's `x-amz-checksum-sha256` format). */
  sha256Base64?: string;
  expiresInSeconds: number;
}

export interface PresignPartOptions {
  /** When given, the part must have exactly this length. */
  size?: number;
  expiresInSeconds: number;
}

export interface PresignGetOptions {
  /** Name the browser saves the file as; any Unicode, quotes and newlines are safe. */
  downloadFileName: string;
  expiresInSeconds: number;
}

export interface UploadedPart {
  partNumber: number;
  size: number;
  /** Opaque; pass back unchanged to `completeMultipartUpload`. */
  etag: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface ObjectHead {
  size: number;
  contentType?: string;
  /**
   * Base64 SHA-256 of the whole object when storage knows it. S3 knows it only for single
   * PUTs made with a checksum (a multipart object has a composite checksum, not reported
   * here); the local disk store always knows it.
   */
  sha256Base64?: string;
  /**
   * The strongest whole-object checksum storage reports, as `<algorithm>:<base64>` (e.g.
   * `sha256:…`, or `crc64nvme:…`, which S3 computes for every upload that declared none).
   */
  checksum?: string;
  /** Storage's ETag, without quotes: it changes whenever other bytes are written. */
  etag?: string;
  lastModified: Date;
}

export interface ListedObject {
  key: string;
  size: number;
  /** As in `ObjectHead`; absent when the listing cannot vouch for it. */
  etag?: string;
  lastModified: Date;
}

export interface ObjectPage {
  /** In ascending key order (UTF-8 byte order, as S3). */
  objects: ListedObject[];
  /** Present when more objects may follow; pass it as `startAfter` for the next page. */
  nextStartAfter?: string;
}

export interface PendingMultipartUpload {
  key: string;
  multipartId: string;
  initiated: Date;
}

export interface ObjectStore {
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest & { method: 'PUT' }>;

  /** Starts a multipart upload; the id is needed for every later part call. */
  createMultipartUpload(key: string, options: { contentType: string }): Promise<{ multipartId: string }>;
  /** `partNumber` is 1..10000. Every part but the last must be at least 5 MiB (S3's rule). */
  presignUploadPart(
    key: string,
    multipartId: string,
    partNumber: number,
    options: PresignPartOptions,
  ): Promise<PresignedRequest & { method: 'PUT' }>;
  /** All uploaded parts (every page), ascending by part number. Throws NoSuchUpload. */
  listParts(key: string, multipartId: string): Promise<UploadedPart[]>;
  /**
   * Parts ascending, etags as listed. Throws NoSuchUpload / InvalidPart / EntityTooSmall, and
   * ObjectExists when the key already holds an object (which is then left unchanged).
   */
  completeMultipartUpload(key: string, multipartId: string, parts: CompletedPart[]): Promise<void>;
  /** Idempotent: aborting an unknown or finished upload is not an error. */
  abortMultipartUpload(key: string, multipartId: string): Promise<void>;
  /** Uploads not yet completed or aborted, for reconciling abandoned ones. All pages. */
  listMultipartUploads(prefix: string): Promise<PendingMultipartUpload[]>;

  /** `null` when there is no such object. */
  headObject(key: string): Promise<ObjectHead | null>;
  /** Idempotent: deleting a missing key is not an error. */
  deleteObject(key: string): Promise<void>;
  /** The response carries `Content-Disposition: attachment` with `downloadFileName`. */
  presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest & { method: 'GET' }>;
  /**
   * One page of objects under `prefix`, after `startAfter`. May return fewer than `limit`
   * (S3 caps a page at 1000) while `nextStartAfter` says more follow.
   */
  listObjects(prefix: string, options: { startAfter?: string; limit: number }): Promise<ObjectPage>;
}

export type ObjectStoreErrorCode = 'NoSuchUpload' | 'InvalidPart' | 'EntityTooSmall' | 'ObjectExists';

/**
 * The few storage refusals callers act on (e.g. a client completing with a wrong etag is
 * their mistake, a 4xx). Anything else an adapter throws is an infrastructure failure.
 */
export class ObjectStoreError extends Error {
  override readonly name = 'ObjectStoreError';
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** S3 caps presigned URLs at 7 days; the local store follows so both behave alike. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

/** The conditional header that makes a PUT create-only (S3's name and value). */
export const CREATE_ONLY = { 'if-none-match': '*' } as const;

/** `"abc"` and `W/"abc"` → `abc`: ETags compared as values. */
export const bareEtag = (etag: string) => etag.replace(/^(W\/)?"|"$/g, '');
