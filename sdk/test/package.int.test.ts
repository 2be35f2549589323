// The package as users get it: built, checked by attw, packed, installed from the tarball into a
// scratch project and used from `import`, `require` and TypeScript (node16 resolution) against the real API.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => path.join(sdkDir, '..', 'node_modules', '.bin', name);

let t: SdkTestApi;
let tarball: string;
let scratch: string;
beforeAll(async () => {
  t = await startSdkTestApi('local');
  await run(bin('tsup'), [], { cwd: sdkDir });
  const packDir = await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-pack-'));
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: sdkDir });
  tarball = path.join(packDir, (await readdir(packDir)).find((f) => f.endsWith('.tgz'))!);
  scratch = await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-consumer-'));
  await writeFile(path.join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: scratch });
}, 240_000);
afterAll(async () => {
  await Promise.all([scratch, tarball && path.dirname(tarball)].filter(Boolean).map((dir) => rm(dir!, { recursive: true, force: true })));
  await t?.stop();
});

it('passes @arethetypeswrong/cli for node16 (CJS and ESM) and bundlers', { timeout: 120_000 }, async () => {
  const { stdout } = await run(bin('attw'), [tarball, '--profile', 'node16', '--format', 'json'], { cwd: sdkDir }).catch((e: { stdout: string }) => e);
  const report = JSON.parse(stdout) as { analysis: { problems: Array<{ resolutionKind?: string }> } };
  // node10 (TypeScript's legacy `moduleResolution: node`) ignores `exports`: subpaths get their types there only
  // through `typesVersions`, which src/package-json.test.ts checks against `exports`.
  expect(report.analysis.problems.filter((p) => p.resolutionKind !== 'node10')).toEqual([]);
});

it('passes publint, suggestions included', async () => {
  const bytes = await readFile(tarball);
  const { messages } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion', strict: true });
  expect(messages).toEqual([]);
});

it('ships only dist, README, LICENSE and examples, says where it comes from, and links nothing outside itself', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.trim().split('\n');
  expect(files.every((f) => /^package\/(dist\/|examples\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toBe(true);
  expect(files).toContain('package/LICENSE');
  const manifest = JSON.parse(await readFile(path.join(scratch, 'node_modules/@baketsu/sdk/package.json'), 'utf8')) as { repository?: { url: string; directory: string } };
  expect(manifest.repository).toMatchObject({ url: expect.stringMatching(/^git\+https:\/\//), directory: 'sdk' });
  // On npm a relative link leaving the package is a dead link.
  const readme = await readFile(path.join(scratch, 'node_modules/@baketsu/sdk/README.md'), 'utf8');
  expect(readme.match(/\]\(\.\.\/[^)]*\)/g) ?? []).toEqual([]);
  // @internal members stay out of the published types.
  const types = (await readdir(path.join(scratch, 'node_modules/@baketsu/sdk/dist'))).filter((f) => /\.d\.c?ts$/.test(f));
  const declared = (await Promise.all(types.map((f) => readFile(path.join(scratch, 'node_modules/@baketsu/sdk/dist', f), 'utf8')))).join('\n');
  expect(declared).not.toMatch(/@internal/);
  expect(files).toContain('package/dist/browser.js');
  expect(files.some((f) => f.includes('/src/') || f.includes('/test/'))).toBe(false);
});

it('works from import and from require: uploads a file path to the real API; errors keep their class names and instanceof across entries', { timeout: 60_000 }, async () => {
  const script = (load: string) => `
    ${load}
    const { writeFileSync } = require('node:fs');
    const file = require('node:path').join(require('node:os').tmpdir(), 'consumer-' + process.pid + '.txt');
    writeFileSync(file, 'hello from the tarball');
    (async () => {
      const client = new sdk.Baketsu({ baseUrl: process.argv[2], apiKey: process.argv[3] });
      const stored = await client.files.upload(file);
      const bad = await new sdk.Baketsu({ baseUrl: process.argv[2], apiKey: 'bk_wrong' }).files.get(stored.id).catch((e) => e);
      const unreachable = await new sdk.Baketsu({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }, { maxRetries: 0 }).files.get('x', { timeout: 1 }).catch((e) => e);
      const aborted = await client.files.get(stored.id, { signal: AbortSignal.abort() }).catch((e) => e);
      console.log(JSON.stringify({
        name: stored.name, size: stored.size, type: stored.content_type, presigned: typeof browser.uploadWithPresigned,
        bad: [bad.name, bad instanceof sdk.AuthenticationError, bad instanceof sdk.BaketsuError, sdk.AuthenticationError.name],
        unreachable: [unreachable.name, unreachable instanceof sdk.ConnectionError, unreachable instanceof browser.ConnectionError],
        aborted: [aborted.name, aborted instanceof sdk.AbortError, aborted instanceof browser.BaketsuError, sdk.AbortError.name],
        // Modern syntax kept: no down-levelled helpers in the built code.
        helpers: require('node:fs').readdirSync(require('node:path').dirname(require.resolve('@baketsu/sdk'))).filter((f) => /\.c?js$/.test(f))
          .some((f) => /_optionalChain|_nullishCoalesce|_class\d*\b/.test(require('node:fs').readFileSync(require('node:path').join(require('node:path').dirname(require.resolve('@baketsu/sdk')), f), 'utf8'))),
      }));
    })();`;
  await writeFile(path.join(scratch, 'use.cjs'), script(`const sdk = require('@baketsu/sdk'); const browser = require('@baketsu/sdk/browser');`));
  await writeFile(
    path.join(scratch, 'use.mjs'),
    `import * as sdk from '@baketsu/sdk'; import * as browser from '@baketsu/sdk/browser'; import { createRequire } from 'node:module';
     const require = createRequire(import.meta.url);` + script(''),
  );
  for (const entry of ['use.cjs', 'use.mjs']) {
    const { stdout } = await run(process.execPath, [entry, t.api.url, t.apiKey], { cwd: scratch });
    expect(JSON.parse(stdout), entry).toEqual({
      name: expect.stringMatching(/^consumer-\d+\.txt$/),
      size: 22,
      type: 'text/plain',
      presigned: 'function',
      bad: ['AuthenticationError', true, true, 'AuthenticationError'],
      unreachable: [expect.stringMatching(/^(ConnectionError|TimeoutError)$/), true, true],
      aborted: ['AbortError', true, true, 'AbortError'],
      helpers: false,
    });
  }
});

it('type-checks for a TypeScript consumer (module node16), including the openapi types', { timeout: 60_000 }, async () => {
  await writeFile(
    path.join(scratch, 'use.mts'),
    `import { Baketsu, type BaketsuFile, type UploadProgress, NotFoundError } from '@baketsu/sdk';
     import { uploadWithPresigned } from '@baketsu/sdk/browser';
     import type { components } from '@baketsu/sdk/openapi';
     const client = new Baketsu({ baseUrl: 'http://localhost:8000', apiKey: 'bk_x' }, { maxRetries: 1 });
     const f: components['schemas']['File'] = {} as BaketsuFile;
     const p: UploadProgress = { loaded: 1, total: 2 };
     void client.files.upload('x.txt', { onProgress: (e) => e.loaded }); void uploadWithPresigned; void f; void p; void NotFoundError;
     // @ts-expect-error unknown options are a type error too
     new Baketsu({ baseUrl: 'x', apiKey: 'y' }, { retries: 3 });`,
  );
  await writeFile(
    path.join(scratch, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false, lib: ['es2022', 'dom'], types: [] }, files: ['use.mts'] }),
  );
  const result = await run(bin('tsc'), ['-p', scratch]).catch((e: { stdout: string }) => e);
  expect(result.stdout).toBe('');
});

it('runs examples/node-upload.ts as shipped: with a good key (tags set by the upload), a bad one, and no API', { timeout: 60_000 }, async () => {
  // The scratch project gets tsx from the monorepo, as a user would have it installed.
  await mkdir(path.join(scratch, 'node_modules'), { recursive: true });
  await symlink(path.join(sdkDir, '..', 'node_modules', 'tsx'), path.join(scratch, 'node_modules', 'tsx')).catch(() => {});
  await copyFile(path.join(scratch, 'node_modules/@baketsu/sdk/examples/node-upload.ts'), path.join(scratch, 'node-upload.ts'));
  await writeFile(path.join(scratch, 'photo.jpg'), Buffer.alloc(70_000, 7));
  const env = { ...process.env, BAKETSU_URL: t.api.url, BAKETSU_API_KEY: t.apiKey };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'node-upload.ts', 'photo.jpg'], { cwd: scratch, env });
  const printed = JSON.parse(stdout) as { id: string; name: string; size: number; url: string };
  expect(printed).toMatchObject({ name: 'photo.jpg', size: 70_000 });
  expect(await t.client.files.get(printed.id)).toMatchObject({ content_type: 'image/jpeg', tags: ['from-script'] });
  expect((await fetch(printed.url)).status).toBe(200);

  const bad = await run(process.execPath, ['--import', 'tsx', 'node-upload.ts', 'photo.jpg'], { cwd: scratch, env: { ...env, BAKETSU_API_KEY: 'bk_nope' } }).catch((e: { code: number; stderr: string }) => e);
  expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('Check BAKETSU_API_KEY') });

  // Any other failure is told too, not swallowed: here no API listens on port 9.
  const unreachable = await run(process.execPath, ['--import', 'tsx', 'node-upload.ts', 'photo.jpg'], { cwd: scratch, env: { ...env, BAKETSU_URL: 'http://127.0.0.1:9' } }).catch((e: { code: number; stderr: string }) => e);
  expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringMatching(/ConnectionError \(connection_error\): Could not reach/) });
});
