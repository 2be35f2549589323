import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles a TypeScript entry into one .mjs that plain `node` runs (no tsx overhead in measurements). */
export async function bundleForNode(entry: string): Promise<string> {
  const outfile = path.join(await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-bundle-')), 'main.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning' });
  return outfile;
}
