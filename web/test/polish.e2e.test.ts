// Small things a new user trips over: the theme toggle on a dark system, a revoked key's secret,
// revoke and delete asking the same way, errors next to the field that caused them, focus after
// Escape, and the sign-in pages for someone already signed in.
import { Baketsu } from '@baketsu/sdk';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'polish the corners';
const run = useStackAndBrowser();

async function signInAt(page: Page, email: string, path: string, heading: string): Promise<void> {
  await page.goto(`${run.stack.web.url}/login?redirectTo=${encodeURIComponent(path)}`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await page.keyboard.press('Enter');
  await waitForHeading(page, heading);
}

describe('dashboard details', () => {
  it('toggles to light on the first click when the system is dark and nothing is saved', async () => {
    const context = await run.browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login`);
    await page.waitForLoadState('networkidle');
    const toggle = page.locator('button[aria-label^="Switch to"]');
    // /login has no toggle; the signed-in shell does. Sign in first.
    const email = `polish-theme-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    await signInAt(page, email, '/dashboard', 'Dashboard');
    expect(await toggle.getAttribute('aria-label')).toBe('Switch to light mode');
    await toggle.click();
    await page.waitForSelector('html[data-theme=light]');
    expect(await toggle.getAttribute('aria-label')).toBe('Switch to dark mode');
    await context.close();
  });

  it('revokes a key through the dialog and takes its secret off the screen', async () => {
    const email = `polish-keys-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    const nativeDialogs: string[] = [];
    page.on('dialog', (dialog) => {
      nativeDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signInAt(page, email, '/settings', 'Settings');
    await page.fill('#field-name', 'backup script');
    await page.click('button:text-is("Create key")');
    await page.waitForSelector('[data-testid=api-key-secret]');
    await page.click('button[aria-label="Revoke backup script"]');
    const dialog = page.locator('dialog[open]');
    expect(await dialog.locator('h2').innerText()).toBe('Revoke this key?');
    await dialog.locator('button:text-is("Revoke")').click();
    await page.waitForSelector('[data-testid=api-key-secret]', { state: 'detached' });
    await page.waitForSelector('text=No active keys.');
    expect(nativeDialogs).toEqual([]);
    await page.close();
  });

  it('shows tag errors under the tags and returns focus to the rename button on Escape', async () => {
    const email = `polish-files-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    await new Baketsu({ baseUrl: run.stack.api.url, accessToken: token }).files.upload(new TextEncoder().encode('hello'), { name: 'notes.txt', contentType: 'text/plain' });
    const page = await run.browser.newPage();
    await signInAt(page, email, '/files', 'Files');
    const row = page.locator('tr:has-text("notes.txt")');

    await row.locator('button[aria-label="Edit tags of notes.txt"]').click();
    await row.locator('input[name=tags]').fill('bad/tag');
    await row.locator('input[name=tags]').press('Enter');
    const error = row.locator('.error[role=alert]');
    await error.waitFor();
    // Under the tags input, in the tags cell, not under the name.
    expect(await error.evaluate((node) => node.closest('td')?.querySelector('input[name=tags]') !== null)).toBe(true);

    await row.locator('button[aria-label="Rename notes.txt"]').click();
    await row.locator('input[name=name]').press('Escape');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Rename notes.txt');
    await page.close();
  });

  it('shows a tiny amount as "< $0.01" with the exact value in its title', async () => {
    const email = `polish-money-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    await new Baketsu({ baseUrl: run.stack.api.url, accessToken: token }).files.upload(new TextEncoder().encode('tiny'), { name: 'tiny.txt', contentType: 'text/plain' });
    const page = await run.browser.newPage();
    await signInAt(page, email, '/dashboard', 'Dashboard');
    // A few bytes for a few seconds cost far less than a cent, but not nothing.
    const estimate = page.locator('[data-testid=estimated-cost] .money');
    const shown = await estimate.innerText();
    const exact = await estimate.getAttribute('title');
    expect(exact).toMatch(/^\$\d+\.\d{2,6}$/);
    if (Number(exact!.slice(1)) > 0 && Number(exact!.slice(1)) < 0.01) expect(shown).toBe('< $0.01');
    else expect(shown).toMatch(/^\$\d+\.\d{2}$/);
    // No amount on the page shows a sub-cent figure like $0.000001; each carries its exact value.
    const amounts = await page.$$eval('.money', (nodes) => nodes.map((node) => [node.textContent ?? '', node.getAttribute('title') ?? '']));
    expect(amounts.length).toBeGreaterThanOrEqual(3);
    for (const [text, title] of amounts) {
      expect(text).toMatch(/^(< )?\$\d+\.\d{2}$/);
      expect(title).toMatch(/^\$\d+\.\d{2,6}$/);
    }
    await page.close();
  });

  it('sends a signed-in person from /login and /register to where they were going', async () => {
    const email = `polish-login-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    await signInAt(page, email, '/dashboard', 'Dashboard');
    await page.goto(`${run.stack.web.url}/login`);
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await page.goto(`${run.stack.web.url}/register?redirectTo=/files`);
    expect(new URL(page.url()).pathname).toBe('/files');
    // Signed out: the forms show again, no loop.
    await page.context().clearCookies();
    await page.goto(`${run.stack.web.url}/login`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });
});
