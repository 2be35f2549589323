// Share links in a real Chromium: the owner shares a file from /files, a visitor with no session
// (a fresh browser context) opens /s/{token}, downloads the exact bytes, and then sees the link's
// end — used up, or revoked — as a page with its HTTP status, never the file.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Baketsu } from '@baketsu/sdk';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const run = useStackAndBrowser();
const email = `share-${Date.now()}@example.com`;
const password = 'a long enough passphrase';
const bytes = randomBytes(256 * 1024);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

let owner: Page;
let visitor: BrowserContext;

beforeAll(async () => {
  const accessToken = await apiSignIn(run.stack.api.url, email, password, true);
  const client = new Baketsu({ baseUrl: run.stack.api.url, accessToken });
  await client.files.upload(bytes, { name: 'holiday photos.zip', contentType: 'application/zip' });
  await client.files.upload(new TextEncoder().encode('for your eyes only'), { name: 'secret.txt', contentType: 'text/plain' });
  await client.files.upload(new TextEncoder().encode('sand and sea'), { name: 'album/2026/beach.txt', contentType: 'text/plain' });

  owner = await run.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await owner.goto(`${run.stack.web.url}/login`);
  await owner.fill('#field-email', email);
  await owner.fill('#field-password', password);
  await owner.click('button[type=submit]');
  await waitForHeading(owner, 'Dashboard');
  // The visitor: another context, so no cookie of the owner's session can reach it.
  visitor = await run.browser.newContext({ acceptDownloads: true });
});
afterAll(async () => {
  await visitor?.close();
  await owner?.close();
});

/** Takes the link the open Share dialog made, after clicking Create link, and closes the dialog. */
async function createLinkInDialog(options: { maxDownloads?: string; password?: string }, screenshotName?: string): Promise<string> {
  const dialog = owner.locator('dialog[open]');
  if (options.maxDownloads) await dialog.getByLabel('Download limit (optional)').fill(options.maxDownloads);
  if (options.password) await dialog.getByLabel('Password (optional, at least 8 characters)').fill(options.password);
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const link = dialog.getByLabel('Link');
  await link.waitFor();
  const url = await link.inputValue();
  if (screenshotName) await screenshot(owner, screenshotName);
  await dialog.getByRole('button', { name: 'Done' }).click();
  return url;
}

/** Shares `fileName` from /files with the dialog's options; returns the link it shows. */
async function shareFromFilesPage(fileName: string, options: { maxDownloads?: string; password?: string }): Promise<string> {
  await owner.goto(`${run.stack.web.url}/files`);
  await waitForHeading(owner, 'Files');
  await owner.click(`button[aria-label="Share ${fileName}"]`);
  return createLinkInDialog(options, 'share-dialog-link');
}

async function downloadFrom(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  return readFile((await download.path())!);
}

describe('a link with a download limit of one', () => {
  let url: string;

  it('is made from the Share action on /files and points at the dashboard', async () => {
    url = await shareFromFilesPage('holiday photos.zip', { maxDownloads: '1' });
    expect(url).toMatch(new RegExp(`^${run.stack.web.url}/s/[A-Za-z0-9_-]{43}$`));
  });

  it('opens with no session, shows name and size, and downloads the exact bytes', async () => {
    const page = await visitor.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(await page.textContent('h1')).toBe('holiday photos.zip');
    expect(await page.textContent('[data-size]')).toContain('256 KiB');
    expect(await visitor.cookies()).toEqual([]);
    await screenshot(page, 'share-public-page');
    expect(sha256(await downloadFrom(page))).toBe(sha256(bytes));
    await page.close();
  });

  it('then answers 410 with a page saying it is used up, and no download button', async () => {
    const page = await visitor.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('This link has been used up');
    expect(await page.getByRole('button', { name: 'Download' }).count()).toBe(0);
    await screenshot(page, 'share-exhausted');
    await page.close();
  });

  it('shows on the Shared links page with its download and the bytes it served', async () => {
    await owner.goto(`${run.stack.web.url}/shares`);
    await waitForHeading(owner, 'Shared links');
    const row = owner.locator('tr', { hasText: 'holiday photos.zip' });
    expect(await row.locator('[data-status]').textContent()).toBe('Used up');
    expect(await row.locator('[data-downloads]').textContent()).toBe('1 / 1');
    expect(await row.locator('[data-bytes-served]').getAttribute('data-bytes-served')).toBe(String(bytes.length));
    await screenshot(owner, 'shares-page');
  });
});

describe('a link with a password, then revoked', () => {
  let url: string;

  it('asks for the password, refuses a wrong one, and downloads with the right one', async () => {
    url = await shareFromFilesPage('secret.txt', { password: 'swordfish 1234' });
    const page = await visitor.newPage();
    await page.goto(url);
    expect(await page.textContent('h1')).toBe('This file is protected by a password');
    expect(await page.content()).not.toContain('secret.txt');
    await page.getByLabel('Password').fill('swordfish 9999');
    const [refused] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Download' }).click()]);
    expect(refused?.status()).toBe(403);
    expect(await page.textContent('#field-password-error')).toBe('That password is not right.');
    await page.getByLabel('Password').fill('swordfish 1234');
    expect((await downloadFrom(page)).toString()).toBe('for your eyes only');
    await page.close();
  });

  it('stops at once when revoked on the Shared links page: 410 and a page saying so', async () => {
    await owner.goto(`${run.stack.web.url}/shares`);
    await waitForHeading(owner, 'Shared links');
    await owner.click('button[aria-label="Revoke the link to secret.txt"]');
    await owner.locator('dialog[open]').getByRole('button', { name: 'Revoke' }).click();
    await owner.locator('tr', { hasText: 'secret.txt' }).locator('[data-status="revoked"]').waitFor();

    const page = await visitor.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('This link was revoked');
    expect(await page.getByRole('button', { name: 'Download' }).count()).toBe(0);
    await screenshot(page, 'share-revoked');
    await page.close();
  });

  it('a token that never existed is a 404 page', async () => {
    const page = await visitor.newPage();
    const response = await page.goto(`${run.stack.web.url}/s/${'x'.repeat(43)}`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('This link does not exist');
    await page.close();
  });
});

describe('a folder link', () => {
  it('is made from the Share action on /folders, lists the files inside, and downloads one with no session', async () => {
    await owner.goto(`${run.stack.web.url}/folders`);
    await waitForHeading(owner, 'Folders');
    await owner.click('button[aria-label="Share folder album"]');
    const url = await createLinkInDialog({ maxDownloads: '2' });
    expect(url).toMatch(new RegExp(`^${run.stack.web.url}/s/[A-Za-z0-9_-]{43}$`));

    const page = await visitor.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('album');
    const files = page.getByTestId('shared-file');
    expect(await files.count()).toBe(1);
    expect(await files.first().getAttribute('data-path')).toBe('2026/beach.txt');
    await screenshot(page, 'share-folder-public-page');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download 2026/beach.txt' }).click()]);
    expect((await readFile((await download.path())!)).toString()).toBe('sand and sea');
    await page.close();

    await owner.goto(`${run.stack.web.url}/shares`);
    await waitForHeading(owner, 'Shared links');
    expect(await owner.locator('tr', { hasText: 'album' }).locator('[data-downloads]').textContent()).toBe('1 / 2');
  });

  it('with a password: shows no file until the password is given, then downloads with it', async () => {
    await owner.goto(`${run.stack.web.url}/folders`);
    await waitForHeading(owner, 'Folders');
    await owner.click('button[aria-label="Share folder album"]');
    const url = await createLinkInDialog({ password: 'seashells 2026' });

    const page = await visitor.newPage();
    await page.goto(url);
    expect(await page.textContent('h1')).toBe('This folder is protected by a password');
    expect(await page.content()).not.toContain('beach.txt');
    await page.getByLabel('Password').fill('seashells 9999');
    await page.getByRole('button', { name: 'Show files' }).click();
    await page.locator('#field-password-error').waitFor();
    expect(await page.textContent('#field-password-error')).toBe('That password is not right.');
    await page.getByLabel('Password').fill('seashells 2026');
    await page.getByRole('button', { name: 'Show files' }).click();
    await page.getByTestId('shared-file').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download 2026/beach.txt' }).click()]);
    expect((await readFile((await download.path())!)).toString()).toBe('sand and sea');
    await page.close();
  });
});
