// Baketsu.webhooks.verify where receivers run besides Node: the runtime-neutral entry, bundled for
// the browser as an edge runtime or a bundler would take it, checks a signed delivery inside a
// module Web Worker in a real Chromium (no Node built-ins, no DOM).
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';

let browser: Browser;
let server: Server;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baketsu-sdk-worker-'));
  await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: path.join(dir, 'sdk.js'),
  });
  const worker = `import { Baketsu } from './sdk.js';
onmessage = ({ data }) => {
  try { postMessage({ ok: true, event: Baketsu.webhooks.verify(data.body, data.headers, data.secret) }); }
  catch (error) { postMessage({ ok: false, name: error.name, code: error.code }); }
};`;
  const page = `<!doctype html><title>verify</title><script type="module">
const worker = new Worker('/worker.js', { type: 'module' });
window.verifyInWorker = (message) => new Promise((resolve) => { worker.onmessage = ({ data }) => resolve(data); worker.postMessage(message); });
</script>`;
  const files: Record<string, [string, string]> = {
    '/': ['text/html', page],
    '/worker.js': ['text/javascript', worker],
    '/sdk.js': ['text/javascript', await readFile(path.join(dir, 'sdk.js'), 'utf8')],
  };
  server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('verifies a signed delivery in a Web Worker and refuses a tampered one', async () => {
  const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const body = JSON.stringify({ id: 'evt_1', type: 'file.stored', timestamp: new Date().toISOString(), data: { file_id: 'f1' } });
  const now = new Date();
  const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('evt_1', now, body) };
  const page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => 'verifyInWorker' in window);
  const verify = (message: unknown) => page.evaluate((m) => (window as unknown as { verifyInWorker(m: unknown): Promise<unknown> }).verifyInWorker(m), message);
  expect(await verify({ body, headers, secret })).toEqual({ ok: true, event: JSON.parse(body) });
  expect(await verify({ body: body.replace('f1', 'f2'), headers, secret })).toEqual({ ok: false, name: 'WebhookVerificationError', code: 'webhook_verification_failed' });
  await page.close();
});
