import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const MIB = 1024 * 1024;

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Random bytes (a plain Uint8Array over an ArrayBuffer, as Blob parts want). */
export function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(size));
}

const made: string[] = [];

/** Removes every file `randomFile` made in this test file. */
export async function removeRandomFiles(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A file of random bytes written in 1 MiB chunks (never held whole); returns its path and SHA-256. */
export async function randomFile(size: number, name = 'data.bin'): Promise<{ path: string; sha256: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-'));
  made.push(dir);
  const file = path.join(dir, name);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0; written < size; written += MIB) {
    const chunk = randomBytes(Math.min(MIB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { path: file, sha256: hash.digest('hex') };
}

/** SHA-256 of what a URL serves, streamed. */
export async function sha256OfUrl(url: string): Promise<{ sha256: string; size: number }> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`GET failed: ${response.status}`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}
