// MD5 and SHA-256 of upload data, for checking a resumed upload's held parts against the local bytes
// (storage's part ETag is the part's MD5) and for `sha256: true`. Node hashes natively; other
// runtimes use @noble/hashes (bundled into the SDK's build, so it stays free of dependencies):
// WebCrypto has no MD5, and no incremental SHA-256 for data larger than memory.
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { PutBody } from './transport.js';

export type HashAlgorithm = 'md5' | 'sha256';

export interface Hasher {
  update(chunk: Uint8Array): void;
  /** Lower-case hex digest. */
  hex(): string;
}

/** A hasher in JavaScript, for runtimes without a native one. */
export function javascriptHasher(algorithm: HashAlgorithm): Hasher {
  const hash = (algorithm === 'md5' ? md5 : sha256).create();
  return { update: (chunk) => void hash.update(chunk), hex: () => bytesToHex(hash.digest()) };
}

/** Hex digest of a body, read a chunk at a time (a Blob or file range is never held whole). */
export async function digestOf(body: PutBody, hasher: Hasher): Promise<string> {
  if (body instanceof Uint8Array) {
    hasher.update(body);
    return hasher.hex();
  }
  const reader = (body instanceof ReadableStream ? body : body.stream()).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) hasher.update(next.value);
  return hasher.hex();
}
