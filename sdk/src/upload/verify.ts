// A resumed multipart upload skips the parts storage already holds, so each is first checked
// against the local data: resuming with other bytes of the same size must not store a mix of two
// files. Storage's ETag of a part is the MD5 of its bytes (S3, versitygw, the embedded store); where
// it is not (S3 with SSE-KMS or SSE-C, some S3-compatible stores), the SHA-256 the upload declared
// vouches for the whole data instead. With neither, the resume is refused.
import { throwIfAborted, UploadDataError } from '../errors.js';
import type { Upload } from '../types.js';
import { digestOf, javascriptHasher, type Hasher, type HashAlgorithm } from './hashing.js';
import type { Source, SourcePlatform } from './source.js';

export interface HeldPart {
  size: number;
  etag: string;
}

/** Checks one held part's bytes as a stream reaches them; throws an `UploadDataError` if they differ. */
export type HeldPartCheck = (partNumber: number, bytes: Uint8Array) => Promise<void>;

export type Hashing = (algorithm: HashAlgorithm) => Hasher;

export const hashingFor =
  (platform: SourcePlatform): Hashing =>
  (algorithm) =>
    platform.hasher?.(algorithm) ?? javascriptHasher(algorithm);

type HeldUpload = Pick<Upload, 'upload_id' | 'size' | 'part_size' | 'part_count' | 'parts' | 'sha256'>;

/**
 * The parts of a pending multipart upload storage already holds in full, by number. A part stored
 * at another length (a different file's bytes) is sent again.
 */
export function heldParts(upload: HeldUpload): Map<number, HeldPart> {
  const { size, part_size: partSize = 0, part_count: partCount = 0 } = upload;
  const lengthOf = (n: number) => (n < partCount ? partSize : size - partSize * (partCount - 1));
  const whole = (upload.parts ?? []).filter((part) => part.part_number <= partCount && part.size === lengthOf(part.part_number));
  return new Map(whole.map((part) => [part.part_number, { size: part.size, etag: part.etag }]));
}

/** Bytes of each held part, by number (what progress starts from). */
export const heldLengths = (held: ReadonlyMap<number, HeldPart>) => new Map([...held].map(([n, part]) => [n, part.size]));

const MD5_ETAG = /^(?:W\/)?"?([0-9a-f]{32})"?$/i;
const md5OfEtag = (etag: string) => MD5_ETAG.exec(etag)?.[1]?.toLowerCase();

/**
 * Checks the held parts against `source` before any is skipped: random-access data at once (each
 * part's MD5, or the whole data's SHA-256); a stream, read once and in order, part by part as it is
 * read, through the returned check.
 */
export async function checkHeldParts(
  upload: HeldUpload,
  held: ReadonlyMap<number, HeldPart>,
  source: Source,
  hashing: Hashing,
  signal?: AbortSignal,
): Promise<HeldPartCheck | undefined> {
  if (held.size === 0) return undefined;
  const expected = new Map([...held].map(([n, part]) => [n, md5OfEtag(part.etag)]));
  const notMd5 = [...expected].find(([, md5]) => md5 === undefined)?.[0];
  const declared = upload.sha256?.toLowerCase();
  if (source.kind === 'stream') {
    if (notMd5 !== undefined) throw unverifiable(upload, notMd5, 'a stream is read once, so only part ETags can check it');
    return async (n, bytes) => {
      const hasher = hashing('md5');
      hasher.update(bytes);
      if (expected.has(n) && hasher.hex() !== expected.get(n)) throw partMismatch(upload, n);
    };
  }
  if (notMd5 === undefined) {
    let wrong: number | undefined;
    for (const [n, md5] of [...expected].sort((a, b) => a[0] - b[0])) {
      throwIfAborted(signal);
      const start = (n - 1) * upload.part_size!;
      if ((await digestOf(source.slice(start, start + held.get(n)!.size), hashing('md5'))) !== md5) {
        wrong = n;
        break;
      }
    }
    if (wrong === undefined) return undefined;
    // Storage whose ETags only look like MD5s (S3 with SSE-KMS): the declared SHA-256 can still vouch.
    if (declared === undefined) throw partMismatch(upload, wrong);
  } else if (declared === undefined) {
    throw unverifiable(upload, notMd5, 'and the upload declared no SHA-256');
  }
  throwIfAborted(signal);
  if ((await digestOf(source.slice(0, source.size), hashing('sha256'))) !== declared) {
    throw new UploadDataError({
      message: `Upload ${upload.upload_id} declared another SHA-256 than this data has: resume it with the data it was started with, or start a new upload`,
      code: 'sha256_mismatch',
    });
  }
  return undefined;
}

function partMismatch(upload: HeldUpload, n: number): UploadDataError {
  return new UploadDataError({
    message: `Part ${n} of upload ${upload.upload_id}, which storage already holds, is not these bytes (its MD5 differs): resume it with the data it was started with, or start a new upload`,
    code: 'part_mismatch',
  });
}

function unverifiable(upload: HeldUpload, n: number, why: string): UploadDataError {
  return new UploadDataError({
    message: `Storage's ETag of part ${n} of upload ${upload.upload_id} is not an MD5, ${why}: the parts it holds cannot be checked against this data, so it is not resumed. Start a new upload (one that declares sha256 can be resumed from a Blob, bytes or a file)`,
    code: 'resume_unverifiable',
  });
}
