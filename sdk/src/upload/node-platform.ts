// Node-only sources: a file on disk is read by byte range as each part is sent (never whole), and
// hashes (for `sha256: true` and checking a resumed upload's parts) come from Node's crypto.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UploadDataError } from '../errors.js';
import type { SourcePlatform } from './source.js';

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
    const info = await stat(path).catch((error: Error) => {
      throw new UploadDataError({ message: `Cannot read ${path}: ${error.message}`, code: 'data_unreadable', cause: error });
    });
    if (!info.isFile()) throw new UploadDataError({ message: `${path} is not a file`, code: 'data_unreadable' });
    return {
      kind: 'random',
      size: info.size,
      name: basename(path),
      type: TYPES[extname(path).toLowerCase()],
      slice: (start, end) => fileRange(path, start, end),
    };
  },
  hasher(algorithm) {
    const hash = createHash(algorithm);
    return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
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
        if (bytesRead === 0) throw new UploadDataError({ message: `${path} is shorter than when the upload started`, code: 'data_too_short' });
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
