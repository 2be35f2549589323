// An interrupted multipart upload resumes after a reload, sending only the parts storage lacks;
// a cancelled upload is aborted and can be retried.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiSignIn } from './api-client.js';
import { launchBrowser, screenshot, waitForHeading } from './browser.js';
import { startStack, type Stack } from './stack.js';

const MiB = 1024 * 1024;
const email = `resume-${Date.now()}@example.com`;
const password = 'resume me please';
let stack: Stack;
let browser: Browser;
let page: Page;
let dir: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ MULTIPART_THRESHOLD_BYTES: String(5 * MiB), MULTIPART_PART_SIZE_BYTES: String(5 * MiB) });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  dir = await mkdtemp(path.join(tmpdir(), 'baketsu-web-e2e-'));
  await apiSignIn(stack.api.url, email, password, true);
  await page.goto(`${stack.web.url}/login?redirectTo=/upload`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'Upload');
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const throttle = async (bytesPerSecond: number) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
};
const progressOf = (name: string) => page.evaluate((label) => document.querySelector<HTMLProgressElement>(`progress[aria-label="Progress of ${label}"]`)?.value ?? 0, name);

describe('resumable uploads', () => {
  it('continues an interrupted multipart upload after a reload', async () => {
    // A file on disk keeps its lastModified, which is how the page recognises it when picked again.
    const file = path.join(dir, 'archive.bin');
    await writeFile(file, Buffer.alloc(31 * MiB, 3));
    await throttle(4 * MiB);
    await page.setInputFiles('#file-picker', file);
    // Interrupt once storage holds some parts (seven in all, three at a time: about four seconds of parts remain).
    const token = await apiSignIn(stack.api.url, email, password);
    const uploadId = await expect
      .poll(() => page.evaluate(() => Object.values(JSON.parse(localStorage.getItem('baketsu.pending-uploads') ?? '{}') as Record<string, { uploadId: string }>)[0]?.uploadId))
      .toBeTruthy()
      .then(() => page.evaluate(() => Object.values(JSON.parse(localStorage.getItem('baketsu.pending-uploads') ?? '{}') as Record<string, { uploadId: string }>)[0]!.uploadId));
    await expect
      .poll(async () => (await apiGet<{ parts?: unknown[] }>(stack.api.url, token, `/v1/uploads/${uploadId}`)).parts?.length ?? 0, { interval: 50, timeout: 30_000 })
      .toBeGreaterThan(0);
    await page.reload();
    await page.waitForSelector('text=Interrupted uploads');
    await screenshot(page, 'upload-interrupted');

    await throttle(-1);
    await page.setInputFiles('#file-picker', file);
    await page.waitForSelector('[data-testid=upload-item][data-state=done]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid=upload-item]')).toMatch(/resumed, \d+(\.\d+)? MiB already stored/);
    await page.waitForSelector('text=Interrupted uploads', { state: 'detached' });

    const files = await apiGet<{ items: Array<{ name: string; size: number }> }>(stack.api.url, token, '/v1/files');
    expect(files.items.map((f) => [f.name, f.size])).toEqual([['archive.bin', 31 * MiB]]);
    // The SDK reads only the response headers storage's CORS exposes (a hidden ETag is one error per PUT).
    expect(consoleErrors.filter((text) => /unsafe header/i.test(text))).toEqual([]);
  });

  it('cancels an upload and retries it', async () => {
    await throttle(2 * MiB);
    await page.setInputFiles('#file-picker', { name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 * MiB, 9) });
    await expect.poll(() => progressOf('slow.bin'), { interval: 50 }).toBeGreaterThan(0);
    await page.click('button[aria-label="Cancel slow.bin"]');
    await page.waitForSelector('[data-testid=upload-item][data-state=cancelled]');
    await throttle(-1);
    await page.click('button[aria-label="Retry slow.bin"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=upload-item]')].some((item) => item.textContent?.includes('slow.bin') && item.getAttribute('data-state') === 'done'));
    const token = await apiSignIn(stack.api.url, email, password);
    const files = await apiGet<{ items: Array<{ name: string }> }>(stack.api.url, token, '/v1/files?q=slow');
    expect(files.items.map((f) => f.name)).toEqual(['slow.bin']);
  });

  it('pages through files and deletes them in bulk, ending at the empty state', async () => {
    await page.goto(`${stack.web.url}/files?limit=1`);
    const first = await page.locator('.file-name').allTextContents();
    expect(first).toHaveLength(1);
    await page.click('text=Next page');
    await expect.poll(() => page.locator('.file-name').allTextContents()).not.toEqual(first);
    expect(await page.locator('text=Next page').count()).toBe(0);

    await page.goto(`${stack.web.url}/files`);
    await page.check('input[aria-label="Select all files on this page"]');
    await page.click('button:text("Delete selected (2)")');
    await page.click('dialog[open] button.danger');
    await page.waitForSelector('text=No files yet');
    await screenshot(page, 'files-empty');
    const token = await apiSignIn(stack.api.url, email, password);
    expect((await apiGet<{ items: unknown[] }>(stack.api.url, token, '/v1/files')).items).toEqual([]);
  });
});
