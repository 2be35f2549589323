// The static file handler over a real temp directory: disk I/O, so the integration tier.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staticFiles } from './static-files.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'static-files-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'assets', 'app-1234.js'), 'console.log("app")');
  await writeFile(path.join(root, 'favicon.svg'), '<svg/>');
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Runs one request through the handler and records what it sent. */
async function get(handler: ReturnType<typeof staticFiles>, url: string, headers: Record<string, string> = {}) {
  const sent = { statusCode: 200, headers: {} as Record<string, string | number>, body: undefined as Buffer | string | undefined };
  const res = {
    set statusCode(code: number) { sent.statusCode = code; },
    get statusCode() { return sent.statusCode; },
    setHeader: (name: string, value: string | number) => void (sent.headers[name.toLowerCase()] = value),
    end: (body?: Buffer | string) => void (sent.body = body),
  } as unknown as ServerResponse;
  const handled = await handler({ method: 'GET', url, headers } as IncomingMessage, res);
  return { handled, ...sent };
}

describe('staticFiles', () => {
  it('serves built files, gzipped when asked, with long caching for fingerprinted assets', async () => {
    const assets = staticFiles(root);
    const plain = await get(assets, '/assets/app-1234.js');
    expect(plain).toMatchObject({ handled: true, statusCode: 200 });
    expect(String(plain.body)).toBe('console.log("app")');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gzipped = await get(assets, '/favicon.svg', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body as Buffer).toString()).toBe('<svg/>');
    expect(gzipped.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('leaves unknown paths, directories and escapes to the app', async () => {
    const assets = staticFiles(root);
    for (const url of ['/files', '/assets', '/assets/', '/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00.js']) {
      expect((await get(assets, url)).handled).toBe(false);
    }
  });

  it('does not remember misses, so made-up paths cannot pile up', async () => {
    const assets = staticFiles(root);
    expect((await get(assets, '/assets/late.js')).handled).toBe(false);
    await writeFile(path.join(root, 'assets', 'late.js'), 'late');
    expect(String((await get(assets, '/assets/late.js')).body)).toBe('late');
  });

  it('keeps at most maxCachedFiles files in memory', async () => {
    const assets = staticFiles(root, { maxCachedFiles: 1 });
    await get(assets, '/assets/app-1234.js');
    await get(assets, '/favicon.svg'); // pushes app-1234.js out of the cache
    await writeFile(path.join(root, 'assets', 'app-1234.js'), 'read again');
    await writeFile(path.join(root, 'favicon.svg'), '<svg>changed</svg>');
    expect(String((await get(assets, '/assets/app-1234.js')).body)).toBe('read again');
    expect(String((await get(assets, '/assets/app-1234.js')).body)).toBe('read again');
    // favicon.svg was pushed out by app-1234.js in turn.
    expect(String((await get(assets, '/favicon.svg')).body)).toBe('<svg>changed</svg>');
  });

  it('keeps one entry per file, however its path is spelled', async () => {
    const assets = staticFiles(root, { maxCachedFiles: 1 });
    await get(assets, '/assets/app-1234.js');
    for (let i = 0; i < 5; i++) expect((await get(assets, `/assets/x${i}%2F..%2Fapp-1234.js`)).handled).toBe(true);
    // Still the first entry: the other spellings neither pushed it out nor re-read the file.
    await writeFile(path.join(root, 'assets', 'app-1234.js'), 'changed on disk');
    expect(String((await get(assets, '/assets/app-1234.js')).body)).toBe('console.log("app")');
  });

  it('answers 400 to malformed percent-encoding instead of throwing', async () => {
    const assets = staticFiles(root);
    for (const url of ['/%E0', '/assets/%zz.js', '/%']) {
      expect(await get(assets, url)).toMatchObject({ handled: true, statusCode: 400 });
    }
  });
});
