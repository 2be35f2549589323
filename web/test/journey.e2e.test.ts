// The main journey in a real Chromium against the real API and the built dashboard:
// register → upload three files (one multipart) with visible progress → find them in /files →
// rename, tag, delete one → the dashboard's numbers equal the API's.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiSignIn } from './api-client.js';
import { launchBrowser, screenshot, waitForHeading } from './browser.js';
import { startStack, type Stack } from './stack.js';

const MiB = 1024 * 1024;
const email = `journey-${Date.now()}@example.com`;
const password = 'a long enough passphrase';

let stack: Stack;
let browser: Browser;
let page: Page;
const shownNames = () => page.locator('.file-name').allTextContents();

beforeAll(async () => {
  // Small parts so an 11 MiB file goes up in three parts.
  stack = await startStack({ MULTIPART_THRESHOLD_BYTES: String(5 * MiB), MULTIPART_PART_SIZE_BYTES: String(5 * MiB) });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the dashboard journey', () => {
  it('redirects a signed-out visitor to /login and back after registering', async () => {
    await page.goto(`${stack.web.url}/files`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('redirectTo')).toBe('/files');
    await screenshot(page, 'login');

    await page.goto(`${stack.web.url}/register`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', 'short');
    await page.fill('#field-confirm', 'short');
    await page.click('button[type=submit]');
    // The API's weak_password problem, shown under the password field.
    await page.waitForSelector('#field-password-error');
    expect(await page.getAttribute('#field-password', 'aria-invalid')).toBe('true');
    await screenshot(page, 'register-error');

    await page.fill('#field-password', password);
    await page.fill('#field-confirm', password);
    await page.click('button[type=submit]');
    await waitForHeading(page, 'Upload');
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === '__baketsu_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    // Page scripts see no token anywhere.
    const visible = await page.evaluate(() => document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
    expect(visible).not.toContain('eyJ');
  });

  it('uploads three files, one in parts, with progress', async () => {
    // Slow the uplink so progress is visibly in between for a while.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 8 * MiB });
    await page.setInputFiles('#file-picker', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from the journey test\n') },
      { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.alloc(64 * 1024, 1) },
      { name: 'movie.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(11 * MiB, 7) },
    ]);
    // Progress of the multipart file, seen strictly between 0 and its size.
    await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="Progress of movie.mp4"]');
      return bar !== null && bar.value > 0 && bar.value < bar.max;
    });
    await screenshot(page, 'upload-progress');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=upload-item]')].every((item) => item.getAttribute('data-state') === 'done'), null, { timeout: 60_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await page.textContent('[data-testid=overall-progress]')).toContain('of 11.1 MiB');
    await screenshot(page, 'upload-done');
  });

  it('finds, renames, tags and deletes files in /files', async () => {
    await page.click('nav >> text=Files');
    await expect.poll(async () => (await shownNames()).sort()).toEqual(['movie.mp4', 'notes.txt', 'photo.png']);
    await screenshot(page, 'files');

    // Downloads go through a short-lived URL the dashboard asks the API for on click.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[aria-label="Download photo.png"]')]);
    expect(download.suggestedFilename()).toBe('photo.png');
    expect((await readFile((await download.path())!)).length).toBe(64 * 1024);

    await page.click('button[aria-label="Rename notes.txt"]');
    await page.fill('input[name=name]', 'journey-notes.txt');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.file-name:text-is("journey-notes.txt")');

    await page.click('button[aria-label="Edit tags of photo.png"]');
    await page.fill('input[name=tags]', 'Holiday, 2026');
    await page.keyboard.press('Enter');
    await page.waitForSelector('tr:has-text("photo.png") .tag:text-is("holiday")');

    // Search and the tag filter go through the API's query parameters.
    await page.fill('#q', 'journey');
    await page.click('button:text("Apply")');
    await expect.poll(() => shownNames()).toEqual(['journey-notes.txt']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('journey');
    await page.goto(`${stack.web.url}/files?tag=holiday`);
    expect(await shownNames()).toEqual(['photo.png']);
    await page.goto(`${stack.web.url}/files?type=video`);
    expect(await shownNames()).toEqual(['movie.mp4']);
    await page.goto(`${stack.web.url}/files?sort=size&order=asc`);
    expect(await shownNames()).toEqual(['journey-notes.txt', 'photo.png', 'movie.mp4']);

    await page.goto(`${stack.web.url}/files`);
    await page.click('button[aria-label="Delete journey-notes.txt"]');
    await page.waitForSelector('dialog[open]');
    await screenshot(page, 'files-confirm-delete');
    await page.click('dialog[open] button.danger');
    await page.waitForSelector('.file-name:text-is("journey-notes.txt")', { state: 'detached' });
    expect((await page.locator('.file-name').allTextContents()).sort()).toEqual(['movie.mp4', 'photo.png']);
  });

  it('shows the same numbers as the API on the dashboard', async () => {
    const token = await apiSignIn(stack.api.url, email, password);
    type Usage = { stored_bytes: number; file_count: number; estimated_monthly_cost: { amount: string } };
    const usageNow = () => apiGet<Usage>(stack.api.url, token, '/v1/dashboard/usage');
    // Metering folds the deletion in within moments.
    await expect.poll(async () => (await usageNow()).file_count, { timeout: 10_000 }).toBe(2);
    const usage = await usageNow();
    expect(usage.stored_bytes).toBe(11 * MiB + 64 * 1024);
    await page.goto(`${stack.web.url}/dashboard`);
    expect(await page.getAttribute('[data-testid=stored-bytes]', 'data-value')).toBe(String(usage.stored_bytes));
    expect(await page.getAttribute('[data-testid=file-count]', 'data-value')).toBe(String(usage.file_count));
    expect(await page.getAttribute('[data-testid=estimated-cost]', 'data-value')).toBe(usage.estimated_monthly_cost.amount);
    expect(await page.textContent('[data-testid=stored-bytes]')).toBe('11.1 MiB');
    // The costliest files this month, largest byte-time first; the deleted one cost something too.
    const rows = await page.locator('section[aria-labelledby=costliest] tbody tr td:first-child').allTextContents();
    expect(rows[0]).toBe('movie.mp4');
    expect(rows).toContain('photo.png');
    // Both charts drew (by type, and the 30-day trend) once their code arrived after hydration.
    await expect.poll(() => page.locator('.uplot canvas').count(), { timeout: 10_000 }).toBe(2);
    await screenshot(page, 'dashboard');
  });

  it('renders settings and billing, and the dark theme is remembered', async () => {
    await page.goto(`${stack.web.url}/settings`);
    await page.fill('#field-name', 'journey key');
    await page.click('button:text("Create key")');
    const secret = await page.textContent('[data-testid=api-key-secret]');
    expect(secret).toMatch(/^bk_/);
    await screenshot(page, 'settings');
    await page.reload();
    expect(await page.locator('[data-testid=api-key-secret]').count()).toBe(0);

    await page.goto(`${stack.web.url}/billing`);
    await screenshot(page, 'billing');

    const before = await page.getAttribute('html', 'data-theme');
    await page.click('button[aria-label^="Switch to"]');
    await page.waitForFunction((previous) => document.documentElement.getAttribute('data-theme') !== previous, before);
    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBe(before === 'dark' ? 'light' : 'dark');

    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${stack.web.url}/files`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'files-360px-dark');
  });
});
