// What `files.upload` accepts, seen through one of two shapes: a random-access source (Blob, bytes,
// a file on disk) whose parts are read on demand and re-read on retry, or a sequential stream whose
// parts are read in order and held in memory only while they are in flight.
import { UploadDataError } from '../errors.js';
import type { Hasher, HashAlgorithm } from './hashing.js';
import type { PutBody } from './transport.js';

/** A file path (Node only), a Blob or File, bytes, a web ReadableStream, or any async iterable of bytes (a Node Readable). */
export type UploadData = string | Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface RandomSource {
  kind: 'random';
  size: number;
  name?: string | undefined;
  type?: string | undefined;
  /** A fresh body for bytes [start, end) on every call, so a retry sends the same bytes again. */
  slice(start: number, end: number): PutBody;
}

export interface StreamSource {
  kind: 'stream';
  size: number;
  name?: string | undefined;
  type?: string | undefined;
  /** The next `length` bytes; throws an `UploadDataError` (`data_too_short`) if the stream ends early. */
  read(length: number): Promise<Uint8Array>;
  /** Throws an `UploadDataError` (`data_too_long`) if the stream holds more than the declared size. */
  assertEnded(): Promise<void>;
}

export type Source = RandomSource | StreamSource;

export interface SourcePlatform {
  /** Node: a file read by byte range, never whole. */
  fromPath?(path: string): Promise<RandomSource>;
  /** A native hash (Node's crypto); without it the SDK hashes in JavaScript. */
  hasher?(algorithm: HashAlgorithm): Hasher;
}

export async function toSource(data: UploadData, size: number | undefined, platform: SourcePlatform): Promise<Source> {
  if (typeof data === 'string') {
    if (!platform.fromPath) throw new TypeError('Baketsu: a string is read as a file path, which needs Node; pass a Blob or bytes');
    return platform.fromPath(data);
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    const name = (data as Partial<File>).name;
    return { kind: 'random', size: data.size, name: name || undefined, type: data.type || undefined, slice: (s, e) => data.slice(s, e) };
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { kind: 'random', size: bytes.byteLength, slice: (s, e) => bytes.subarray(s, e) };
  }
  const iterator = chunksOf(data as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>);
  const name = baseName((data as { path?: unknown }).path);
  if (size !== undefined) return streamSource(iterator, size, name);
  // The server signs an exact size up front, so a stream of unknown length is read first.
  const chunks: Uint8Array[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value);
  const bytes = concat(chunks, chunks.reduce((n, c) => n + c.byteLength, 0));
  return { kind: 'random', size: bytes.byteLength, name, slice: (s, e) => bytes.subarray(s, e) };
}

function chunksOf(data: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    const reader = data.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      return: async () => (await reader.cancel(), { done: true, value: undefined }),
    };
  }
  if (data && typeof (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  throw new TypeError('Baketsu: upload data must be a Blob, bytes, a stream, an async iterable of bytes or (Node) a file path');
}

function streamSource(iterator: AsyncIterator<Uint8Array>, size: number, name: string | undefined): StreamSource {
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const fill = async (length: number) => {
    while (pendingBytes < length) {
      const next = await iterator.next();
      if (next.done) return false;
      const chunk = typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value;
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
    }
    return true;
  };
  return {
    kind: 'stream',
    size,
    name,
    async read(length) {
      if (!(await fill(length))) {
        throw new UploadDataError({ message: `The stream ended before the declared size of ${size} bytes`, code: 'data_too_short' });
      }
      // Copied out, so a part never keeps the rest of a large chunk alive.
      const out = new Uint8Array(length);
      for (let offset = 0; offset < length; ) {
        const chunk = pending[0]!;
        const take = Math.min(chunk.byteLength, length - offset);
        out.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), offset);
        offset += take;
        if (take === chunk.byteLength) pending.shift();
        else pending[0] = chunk.subarray(take);
      }
      pendingBytes -= length;
      return out;
    },
    async assertEnded() {
      if (pendingBytes > 0 || (await fill(1))) {
        await iterator.return?.();
        throw new UploadDataError({ message: `The stream holds more than the declared size of ${size} bytes`, code: 'data_too_long' });
      }
    },
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function baseName(path: unknown): string | undefined {
  return typeof path === 'string' ? path.split(/[\\/]/).pop() || undefined : undefined;
}

/** A media type without parameters, which is what the API accepts (`text/plain;charset=utf-8` → `text/plain`). */
export function bareMediaType(type: string | undefined): string | undefined {
  const bare = type?.split(';')[0]?.trim().toLowerCase();
  return bare || undefined;
}
