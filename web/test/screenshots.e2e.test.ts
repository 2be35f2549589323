// `npm run screenshots` drives Chromium against a real `npm start` (embedded defaults): running it
// here keeps the README's pictures reproducible and exercises npm start end to end.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

test('npm run screenshots takes every picture the README shows, from a fresh npm start', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'baketsu-screenshots-test-'));
  try {
    await run('npm', ['run', '--silent', 'screenshots', '--', '--out', out, '--api-port', '18410', '--dashboard-port', '13410'], { cwd: repoRoot, timeout: 240_000 });
    const taken = (await readdir(out)).sort();
    const shownInReadme = [...(await readFile(path.join(repoRoot, 'README.md'), 'utf8')).matchAll(/\(docs\/screenshots\/([\w-]+\.png)\)/g)].map((match) => match[1]).sort();
    expect(shownInReadme.length).toBeGreaterThan(0);
    expect(taken).toEqual(shownInReadme);
    for (const name of taken) expect((await readFile(path.join(out, name))).subarray(1, 4).toString()).toBe('PNG');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 300_000);
