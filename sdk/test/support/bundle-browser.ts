import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const BROWSER_ENTRY = fileURLToPath(new URL('../../src/browser.ts', import.meta.url));

/** The browser entry as a page (or a bundler) gets it: one minified ES module; returns its directory. */
export async function bundleBrowserEntry(): Promise<{ dir: string; file: string; bytes: Uint8Array }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-browser-'));
  const file = path.join(dir, 'browser.js');
  const result = await build({ entryPoints: [BROWSER_ENTRY], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: file, write: true, metafile: false });
  void result;
  const { readFile } = await import('node:fs/promises');
  return { dir, file, bytes: await readFile(file) };
}
