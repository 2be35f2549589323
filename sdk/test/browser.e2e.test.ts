// A real Chromium loads a third-party page that uploads a File with the SDK's browser bundle through
// URLs the page's own server presigned; the page shows progress as it goes.
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAppServer, type AppServer } from './support/app-server.js';
import { download, SMALL_MULTIPART, startSdkTestApi, STORES, type SdkTestApi } from './support/api.js';
import { bundleBrowserEntry } from './support/bundle-browser.js';

// The examples import the published name; here it is the source.
vi.mock('@baketsu/sdk', () => import('../src/index.node.js'));

const MIB = 1024 * 1024;
let browser: Browser;
let bundleDir: string;

beforeAll(async () => {
  bundleDir = (await bundleBrowserEntry()).dir;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe.each(STORES)('browser upload with a server-presigned URL, %s store', (store) => {
  let app: AppServer;
  let t: SdkTestApi;
  beforeAll(async () => {
    app = await startAppServer();
    // Storage must let the page's origin PUT cross-origin: the API's CORS for its local store, the
    // bucket's CORS rules on versitygw.
    t = await startSdkTestApi(store, { env: { ...SMALL_MULTIPART, CORS_ORIGINS: app.url }, corsOrigin: app.url });
    app.serve(t.client, bundleDir, { firstPartUrlOnly: true });
  });
  afterAll(async () => {
    await app?.close();
    await t?.stop();
  });

  it.each([
    ['a single PUT (XMLHttpRequest, for progress)', 3 * MIB + 5, 0],
    ['multipart, with more part URLs signed by the page server', 12 * MIB + 5, 1],
  ])('uploads a File: %s', async (_label, size, signCalls) => {
    const signedBefore = app.signCalls;
    const page = await browser.newPage();
    const storagePuts: string[] = [];
    page.on('request', (request) => request.method() === 'PUT' && storagePuts.push(request.resourceType()));
    // A slow uplink, as on a real network; on loopback the whole file would go in one event.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 6 * MIB });
    await page.goto(app.url);
    const bytes = randomBytes(size);
    const seen: number[] = [];
    const watch = setInterval(() => void page.locator('#progress').getAttribute('value').then((v) => v && seen.push(Number(v))).catch(() => {}), 20);
    // A name per case: both upload into one account, where two files cannot share a path.
    const name = `photo-${size}.jpg`;
    await page.locator('#file').setInputFiles({ name, mimeType: 'image/jpeg', buffer: bytes });
    await page.locator('#status').filter({ hasText: /stored|failed/ }).waitFor({ timeout: 45_000 });
    clearInterval(watch);

    const status = await page.locator('#status').textContent();
    expect(status).toMatch(/^stored /);
    const events = (await page.evaluate('window.progressEvents')) as Array<{ loaded: number; total: number }>;
    expect(events.length).toBeGreaterThan(2);
    for (let i = 1; i < events.length; i++) expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
    expect(events.at(-1)).toEqual({ loaded: size, total: size });
    expect(await page.locator('#progress').getAttribute('value')).toBe(String(size));
    // The bar was seen part-way, not only empty and full.
    expect(seen.some((value) => value > 0 && value < size)).toBe(true);
    expect(storagePuts.length).toBeGreaterThan(0);
    expect(storagePuts.every((type) => type === 'xhr')).toBe(true);

    expect(app.signCalls - signedBefore).toBe(signCalls);
    const fileId = status!.replace('stored ', '');
    const stored = await t.client.files.get(fileId);
    expect(stored).toMatchObject({ name, size, content_type: 'image/jpeg' });
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha(await download(t.client, fileId))).toBe(sha(bytes));
    await page.close();
  });
});
