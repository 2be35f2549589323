// Serves the built client assets. Fingerprinted files under /assets are cached for a year; text
// assets are gzipped once and kept in memory (the set is small and fixed per build).
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

export function staticFiles(root: string): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const cache = new Map<string, Entry | null>();

  async function load(pathname: string): Promise<Entry | null> {
    if (cache.has(pathname)) return cache.get(pathname) ?? null;
    const file = path.join(root, path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ''));
    let entry: Entry | null = null;
    if (file.startsWith(root + path.sep) && (await stat(file).catch(() => null))?.isFile()) {
      const body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type);
      entry = { body, type, gzipped: compressible ? gzipSync(body) : undefined };
    }
    cache.set(pathname, entry);
    return entry;
  }

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
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
