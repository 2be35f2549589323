// Signed URLs for the local disk store, shaped like S3 presigned URLs: the URL carries an
// absolute expiry, the names of the headers the signature binds, and an HMAC-SHA256 over
// everything that decides what may be stored or served. The client sends the bound
// headers (Content-Length, Content-Type, x-amz-checksum-sha256, If-None-Match) exactly as
// for S3, so the SDK treats both stores the same.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const QUERY = {
  expires: 'X-Baketsu-Expires',
  signedHeaders: 'X-Baketsu-SignedHeaders',
  signature: 'X-Baketsu-Signature',
  uploadId: 'uploadId',
  partNumber: 'partNumber',
  disposition: 'response-content-disposition',
} as const;

export const BINDABLE_HEADERS = ['content-length', 'content-type', 'x-amz-checksum-sha256', 'if-none-match'] as const;
export type BindableHeader = (typeof BINDABLE_HEADERS)[number];

export interface SignedRequest {
  method: 'PUT' | 'GET';
  key: string;
  /** Unix seconds. */
  expires: number;
  uploadId?: string;
  partNumber?: number;
  /** For GET: the Content-Disposition the response will carry. */
  disposition?: string;
  /** The bound headers and their values; absent headers are not bound. */
  headers: Partial<Record<BindableHeader, string>>;
}

// JSON of a fixed-order array: unambiguous whatever the values contain (newlines included),
// and a version tag so a future format can never verify under this one.
function canonical(request: SignedRequest): string {
  return JSON.stringify([
    'baketsu-local-disk-v1',
    request.method,
    request.key,
    request.expires,
    request.uploadId ?? null,
    request.partNumber ?? null,
    request.disposition ?? null,
    BINDABLE_HEADERS.map((name) => request.headers[name] ?? null),
  ]);
}

export function sign(secret: string, request: SignedRequest): string {
  return createHmac('sha256', secret).update(canonical(request)).digest('base64url');
}

/** Constant-time: a mismatch takes as long whichever byte differs. */
export function verify(secret: string, request: SignedRequest, signature: string): boolean {
  // Compared as text, not decoded: base64url has several spellings of the same bytes, and
  // only the one we issued should count.
  const expected = Buffer.from(sign(secret, request));
  const given = Buffer.from(signature);
  // Lengths are public (always 43 characters when honest), so comparing them first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Query parameters for a URL that authorises `request`. */
export function signedQuery(secret: string, request: SignedRequest): URLSearchParams {
  const query = new URLSearchParams();
  if (request.uploadId !== undefined) query.set(QUERY.uploadId, request.uploadId);
  if (request.partNumber !== undefined) query.set(QUERY.partNumber, String(request.partNumber));
  if (request.disposition !== undefined) query.set(QUERY.disposition, request.disposition);
  query.set(QUERY.expires, String(request.expires));
  query.set(QUERY.signedHeaders, BINDABLE_HEADERS.filter((h) => request.headers[h] !== undefined).join(';'));
  query.set(QUERY.signature, sign(secret, request));
  return query;
}

/** The key as a URL path: each segment percent-encoded, slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
