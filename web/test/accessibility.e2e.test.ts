// axe-core on every page, signed out and signed in, in light, dark and at 390 px: any serious or
// critical violation fails the test with what axe found and where.
import { AxeBuilder } from '@axe-core/playwright';
import { Baketsu } from '@baketsu/sdk';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { useStackAndBrowser } from './stack.js';

const password = 'accessible to everyone';
const run = useStackAndBrowser();

const MODES: Array<[string, BrowserContextOptions]> = [
  ['light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
  ['dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
  ['390px', { colorScheme: 'light', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
];
const SIGNED_OUT = ['/login', '/register', '/forgot-password', '/reset-password?token=not-a-real-token', '/verify-email?token=not-a-real-token', '/dev/mailbox', '/s/not-a-real-token', '/no-such-page'];
const SIGNED_IN = ['/dashboard', '/files', '/folders', '/upload', '/shares', '/lifecycle', '/webhooks', '/settings', '/billing', '/no-such-page'];

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

let email = '';

async function signIn(page: Page): Promise<void> {
  await page.goto(`${run.stack.web.url}/login?redirectTo=/dashboard`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1:text-is("Dashboard")');
}

describe('accessibility (axe-core)', () => {
  beforeAll(async () => {
    email = `a11y-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    // Something in every list, so tables, charts and row actions are checked too.
    const sdk = new Baketsu({ baseUrl: run.stack.api.url, accessToken: token });
    const file = await sdk.files.upload(new TextEncoder().encode('{"a":1}'), { name: 'data.json', contentType: 'application/json' });
    await sdk.files.share(file.id);
  });

  it.each(MODES)('finds no serious or critical violation on any page (%s)', async (mode, options) => {
    const found: string[] = [];
    const check = async (page: Page, path: string, who: string) => {
      await page.goto(`${run.stack.web.url}${path}`);
      await page.waitForLoadState('networkidle');
      for (const violation of await seriousViolations(page)) found.push(`${mode} ${path} (${who}): ${violation}`);
    };
    const context = await run.browser.newContext(options);
    const inPage = await context.newPage();
    for (const path of SIGNED_OUT) await check(inPage, path, 'signed out');
    await signIn(inPage);
    for (const path of SIGNED_IN) await check(inPage, path, 'signed in');
    // Dialogs and their danger buttons (the dark one was 2.77:1): open, check, close.
    await inPage.goto(`${run.stack.web.url}/files`);
    await inPage.waitForLoadState('networkidle');
    await inPage.click('button[aria-label="Delete data.json"]');
    await inPage.waitForSelector('dialog[open]');
    for (const violation of await seriousViolations(inPage)) found.push(`${mode} /files delete dialog: ${violation}`);
    await inPage.keyboard.press('Escape');
    await inPage.goto(`${run.stack.web.url}/settings`);
    await inPage.waitForLoadState('networkidle');
    await inPage.click('button:text-is("Create key")');
    await inPage.fill('#field-name', 'a11y key');
    await inPage.click('button:text-is("Create key")');
    await inPage.click('button[aria-label="Revoke a11y key"]');
    await inPage.waitForSelector('dialog[open]');
    for (const violation of await seriousViolations(inPage)) found.push(`${mode} /settings revoke dialog: ${violation}`);
    await inPage.keyboard.press('Escape');
    await context.close();
    expect(found).toEqual([]);
  }, 180_000);

  it('offers a skip link, marks the sorted column and titles the 404 page', async () => {
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${run.stack.web.url}/files?sort=size&order=asc`);
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    const sorts = await page.$$eval('th[aria-sort]', (cells) => cells.map((cell) => `${cell.textContent?.trim()}=${cell.getAttribute('aria-sort')}`));
    expect(sorts).toEqual(['Size ▲=ascending']);
    const missing = await page.goto(`${run.stack.web.url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    expect(await page.title()).toBe('Page not found · Baketsu');
    await context.close();
  });
});
