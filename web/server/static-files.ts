// Serves the built client assets. Fingerprinted files under /assets are cached for a year; text
// assets are gzipped once and kept in memory. Only files that exist are kept, and only a bounded
// number of them: every path a visitor makes up would otherwise stay in memory for good.
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface Entry {
  body: Buffer;
  gzipped: Buffer | undefined;
  type: string;
}

export interface StaticFilesOptions {
  /** Files kept in memory at most; a build has a few dozen. */
  maxCachedFiles?: number;
  /** Larger files are read from disk on each request instead of being kept. */
  maxCachedFileBytes?: number;
}

export function staticFiles(
  root: string,
  { maxCachedFiles = 500, maxCachedFileBytes = 1024 * 1024 }: StaticFilesOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const cache = new Map<string, Entry>();

  async function load(pathname: string): Promise<Entry | null> {
    // Keyed by the file, not by how the path was spelled: `/assets/x%2F..%2Fapp.js` and
    // `/assets/app.js` are one entry, so made-up spellings cannot fill the cache or cost a gzip each.
    const file = path.join(root, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    const cached = cache.get(file);
    if (cached) return cached;
    // A miss is not remembered: stat() is cheap, an ever-growing Map of made-up paths is not.
    if (!file.startsWith(root + path.sep) || !(await stat(file).catch(() => null))?.isFile()) return null;
    const body = await readFile(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const cacheable = body.length <= maxCachedFileBytes;
    // Compressed once, for files kept; a large one read per request is sent as it is.
    const compressible = cacheable && /^(text\/|application\/json|image\/svg)/.test(type);
    const entry = { body, type, gzipped: compressible ? gzipSync(body) : undefined };
    if (cacheable) {
      // Map keeps insertion order: the first key is the oldest one.
      if (cache.size >= maxCachedFiles) cache.delete(cache.keys().next().value!);
      cache.set(file, entry);
    }
    return entry;
  }

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      // `/%E0` and the like: malformed percent-encoding is the client's mistake, not a 500.
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Bad request: malformed URL');
      return true;
    }
    if (pathname === '/' || pathname.endsWith('/')) return false;
    const entry = await load(pathname);
    if (!entry) return false;
    const useGzip = entry.gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = useGzip && entry.gzipped ? entry.gzipped : entry.body;
    res.setHeader('Content-Type', entry.type);
    res.setHeader('Content-Length', body.length);
    res.setHeader('Vary', 'Accept-Encoding');
    if (useGzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
