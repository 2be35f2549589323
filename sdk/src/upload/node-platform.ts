// Node-only sources: a file on disk is read by byte range as each part is sent (never whole), and
// `sha256: true` hashes it in one streaming pass.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { RandomSource, SourcePlatform } from './source.js';

const READ_SIZE = 256 * 1024;

// Enough to label the common cases; anything else is application/octet-stream unless given.
const TYPES: Record<string, string> = {
  '.txt': 'text/plain', '.csv': 'text/csv', '.html': 'text/html', '.json': 'application/json', '.pdf': 'application/pdf',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime',
  '.zip': 'application/zip', '.gz': 'application/gzip', '.tar': 'application/x-tar', '.bin': 'application/octet-stream',
};

export const nodePlatform: SourcePlatform = {
  async fromPath(path) {
    const info = await stat(path);
    if (!info.isFile()) throw new TypeError(`Baketsu: ${path} is not a file`);
    return {
      kind: 'random',
      size: info.size,
      name: basename(path),
      type: TYPES[extname(path).toLowerCase()],
      slice: (start, end) => fileRange(path, start, end),
    };
  },
  async sha256(source: RandomSource) {
    const hash = createHash('sha256');
    const body = source.slice(0, source.size);
    if (body instanceof Uint8Array) return hash.update(body).digest('hex');
    const stream = body instanceof ReadableStream ? body : body.stream();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest('hex');
  },
};

/** Bytes [start, end) of a file as a web stream, read only as fast as the request consumes them. */
function fileRange(path: string, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  const close = async () => {
    const open = handle;
    handle = undefined;
    await open?.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        handle ??= await open(path, 'r');
        const length = Math.min(READ_SIZE, end - position);
        if (length <= 0) {
          await close();
          return controller.close();
        }
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
        if (bytesRead === 0) throw new RangeError(`Baketsu: ${path} is shorter than when the upload started`);
        position += bytesRead;
        controller.enqueue(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      } catch (error) {
        await close();
        controller.error(error);
      }
    },
    cancel: close,
  });
}
