// Serves the local disk store's signed URLs (embedded mode): PUT of an object or a part,
// GET of an object. Requests and refusals look like S3's (same headers, XML errors with
// S3's codes), so clients need no second code path.
//
// Mount it BEFORE any body parser: it streams the raw request body to disk.
import { open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  BodyTooLargeError,
  InvalidKeyError,
  keySegments,
  metaDescribes,
  metaPath,
  ObjectExistsError,
  objectPath,
  publishObject,
  readJson,
  receive,
  isCode,
  statFile,
  type ObjectMeta,
  type Received,
} from '#src/storage/local-disk-files.js';
import { requireUpload, storePart } from '#src/storage/local-disk-multipart.js';
import {
  MAX_PUT_SIZE,
  resolveLocalDisk,
  type LocalDiskOptions,
  type ResolvedLocalDisk,
} from '#src/storage/local-disk-object-store.js';
import { BINDABLE_HEADERS, QUERY, verify, type BindableHeader, type SignedRequest } from '#src/storage/local-disk-signing.js';
import { MAX_PART_NUMBER, ObjectStoreError } from '#src/storage/object-store.js';

class S3Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function localDiskRouter(options: LocalDiskOptions): Router {
  const disk = resolveLocalDisk(options);
  const router = Router();
  router.put('/o/*key', (req, res, next) => handle(req, res, next, () => put(disk, req, res)));
  router.get('/o/*key', (req, res, next) => handle(req, res, next, () => get(disk, req, res)));
  return router;
}

async function handle(req: Request, res: Response, next: NextFunction, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const refusal = asRefusal(error);
    if (!refusal) return next(error); // the API's error middleware logs it and answers 500
    if (res.headersSent) return void res.destroy();
    // The unread rest of a refused upload is not worth receiving; close after answering.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.status(refusal.status).type('application/xml').send(errorXml(refusal));
  }
}

async function put(disk: ResolvedLocalDisk, req: Request, res: Response): Promise<void> {
  const query = queryOf(req);
  const key = keyOf(req);
  const uploadId = query.get(QUERY.uploadId) ?? undefined;
  const partNumber = uploadId === undefined ? undefined : parsePartNumber(query.get(QUERY.partNumber));
  authorize(disk, req, query, { method: 'PUT', key, uploadId, partNumber });

  const lengthHeader = req.headers['content-length'];
  if (lengthHeader === undefined) throw new S3Refusal(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  // body-parser marks what it consumed; reading an empty stream would store 0 bytes silently.
  if ((req as IncomingMessage & { _body?: boolean })._body || req.readableEnded) {
    throw new Error('localDiskRouter must be mounted before body parsers');
  }
  const declared = Number(lengthHeader);
  if (declared > MAX_PUT_SIZE) throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
  if (uploadId !== undefined) await requireUploadOrRefuse(disk, key, uploadId);
  // Fails fast, before receiving up to 5 GiB; publishing is what decides (a racing writer).
  else if (await statFile(objectPath(disk.layout, key))) throw objectExists();

  const received = await receiveOrRefuse(disk, req, declared);
  try {
    const checksum = req.headers['x-amz-checksum-sha256'];
    // Checked even when the URL did not bind it, as S3 does: a client that sends a checksum
    // wants the upload refused if the bytes differ.
    if (typeof checksum === 'string' && checksum !== received.sha256Base64) {
      throw new S3Refusal(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    if (uploadId !== undefined && partNumber !== undefined) {
      res.setHeader('ETag', await storePart(disk.layout, uploadId, partNumber, received).catch(refuseNoSuchUpload));
    } else {
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      const meta = { size: received.size, contentType, sha256Base64: received.sha256Base64, md5Hex: received.md5Hex };
      await publishObject(disk.layout, key, received.file, meta).catch((error: unknown) => {
        throw error instanceof ObjectExistsError ? objectExists() : error;
      });
      disk.notify({ type: 'ObjectCreated', key, size: received.size, at: disk.now() });
      res.setHeader('ETag', `"${received.md5Hex}"`);
    }
  } finally {
    await rm(received.file, { force: true }); // linked into place (or refused): the tmp name goes
  }
  res.setHeader('x-amz-checksum-sha256', received.sha256Base64);
  res.status(200).end();
}

async function get(disk: ResolvedLocalDisk, req: Request, res: Response): Promise<void> {
  const query = queryOf(req);
  const key = keyOf(req);
  const disposition = query.get(QUERY.disposition) ?? undefined;
  authorize(disk, req, query, { method: 'GET', key, disposition });

  // Open first, then stat the handle: size and bytes come from the same file even if the
  // key is overwritten or deleted meanwhile.
  const file = await open(objectPath(disk.layout, key), 'r').catch((error: unknown) => {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR') || isCode(error, 'EISDIR')) {
      throw new S3Refusal(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    throw error;
  });
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw new S3Refusal(404, 'NoSuchKey', 'The specified key does not exist.');
    const meta = await readJson<ObjectMeta>(metaPath(disk.layout, key));
    res.status(200);
    res.setHeader('Content-Length', String(stats.size));
    res.setHeader('Content-Type', metaDescribes(meta, stats) ? meta.contentType : 'application/octet-stream');
    res.setHeader('Last-Modified', stats.mtime.toUTCString());
    if (disposition !== undefined) res.setHeader('Content-Disposition', disposition);
    // User content served from the API's own origin: never sniffed, never run as a page.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(file.createReadStream({ autoClose: false }), res);
  } finally {
    await file.close();
  }
}

function authorize(
  disk: ResolvedLocalDisk,
  req: Request,
  query: URLSearchParams,
  request: Omit<SignedRequest, 'expires' | 'headers'>,
): void {
  const expires = Number(query.get(QUERY.expires));
  const signature = query.get(QUERY.signature);
  const bound = (query.get(QUERY.signedHeaders) ?? '').split(';').filter(Boolean);
  if (!Number.isSafeInteger(expires) || !signature || !bound.every(isBindable)) {
    throw new S3Refusal(403, 'AccessDenied', 'Query-string authentication requires the expiry, signed headers and signature parameters.');
  }
  const headers: SignedRequest['headers'] = {};
  for (const name of bound) headers[name] = headerValue(req, name);
  if (req.method !== request.method || !verify(disk.secret, { ...request, expires, headers }, signature)) {
    throw new S3Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  // After the signature, so an unsigned request learns nothing from the answer.
  if (disk.now().getTime() > expires * 1000) throw new S3Refusal(403, 'AccessDenied', 'Request has expired');
}

function isBindable(name: string): name is BindableHeader {
  return (BINDABLE_HEADERS as readonly string[]).includes(name);
}

function headerValue(req: Request, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

async function receiveOrRefuse(disk: ResolvedLocalDisk, req: Request, declared: number): Promise<Received> {
  let received: Received;
  try {
    received = await receive(disk.layout, req, declared);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new S3Refusal(400, 'IncompleteBody', error.message);
    if (isCode(error, 'ECONNRESET') || isCode(error, 'ERR_STREAM_PREMATURE_CLOSE')) {
      throw new S3Refusal(400, 'IncompleteBody', 'The request body ended before Content-Length bytes.');
    }
    throw error;
  }
  // Node's parser already stops at Content-Length; this also holds if that ever changes.
  if (received.size !== declared) {
    await rm(received.file, { force: true });
    throw new S3Refusal(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
  return received;
}

async function requireUploadOrRefuse(disk: ResolvedLocalDisk, key: string, uploadId: string): Promise<void> {
  await requireUpload(disk.layout, key, uploadId).catch(refuseNoSuchUpload);
}

function refuseNoSuchUpload(error: unknown): never {
  if (error instanceof ObjectStoreError && error.code === 'NoSuchUpload') {
    throw new S3Refusal(404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
  }
  throw error;
}

/**
 * Keys are write-once (see local-disk-files): S3's answer to a PUT with `If-None-Match: *` on a
 * key that holds an object, which the local store gives to every PUT of an existing key.
 */
function objectExists(): S3Refusal {
  return new S3Refusal(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.');
}

function parsePartNumber(value: string | null): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new S3Refusal(400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}.`);
  }
  return n;
}

// Parsed here rather than by Express, whose query parser is an app-wide setting.
function queryOf(req: Request): URLSearchParams {
  return new URL(req.originalUrl, 'http://localhost').searchParams;
}

function keyOf(req: Request): string {
  try {
    // req.path is still percent-encoded; segments were encoded one by one when signing.
    const key = req.path.slice('/o/'.length).split('/').map(decodeURIComponent).join('/');
    keySegments(key);
    return key;
  } catch (error) {
    if (error instanceof URIError || error instanceof InvalidKeyError) {
      throw new S3Refusal(400, 'InvalidArgument', 'Invalid object key.');
    }
    throw error;
  }
}

function asRefusal(error: unknown): S3Refusal | undefined {
  if (error instanceof S3Refusal) return error;
  if (error instanceof ObjectStoreError && error.code === 'NoSuchUpload') {
    return new S3Refusal(404, 'NoSuchUpload', error.message);
  }
  return undefined;
}

function errorXml({ code, message }: S3Refusal): string {
  const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error>`;
}
