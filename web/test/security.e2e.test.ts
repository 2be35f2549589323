// Keyboard-only sign-in, and a forged cross-site form post that must be refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'keyboard only passphrase';
const run = useStackAndBrowser();

describe('keyboard use', () => {
  it('signs in with the keyboard alone and returns to the page asked for', async () => {
    const email = `keys-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    await page.goto(`${run.stack.web.url}/settings`);
    expect(page.url()).toContain('/login?redirectTo=%2Fsettings');
    // The email field has focus on arrival; everything else is Tab, typing and Enter.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-password');
    await page.keyboard.type(password);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return { tag: element.tagName, text: element.textContent, outline: getComputedStyle(element).outlineStyle };
    });
    expect(focused).toEqual({ tag: 'BUTTON', text: 'Sign in', outline: 'solid' });
    await screenshot(page, 'login-keyboard-focus');
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Settings');
    expect(new URL(page.url()).pathname).toBe('/settings');
    await page.close();
  });

  it('shows the API problem for wrong credentials', async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.stack.web.url}/login`);
    await page.fill('#field-email', 'nobody@example.com');
    await page.fill('#field-password', 'wrong password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.alert');
    expect(await page.textContent('.alert')).toContain('Email or password is incorrect');
    await page.close();
  });
});

describe('cross-site requests', () => {
  let evil: Server;
  let evilUrl: string;

  beforeAll(async () => {
    // Another origin serving a page that posts a form to the dashboard with the victim's cookie.
    evil = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<form id="f" method="post" action="${run.stack.web.url}/settings">
        <input name="intent" value="create-key"><input name="name" value="stolen"><input name="scopes" value="read">
      </form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));

  it('refuses a forged form post from another origin', async () => {
    const email = `csrf-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/dashboard');
    await page.waitForLoadState('networkidle');

    // Same host, another port: same-site, so SameSite=Lax alone would still send the cookie.
    const refused = page.waitForResponse((response) => response.url() === `${run.stack.web.url}/settings` && response.request().method() === 'POST');
    await page.goto(evilUrl);
    expect((await refused).status()).toBe(403);
    expect(await page.textContent('body')).toContain('Cross-site request refused');
    await screenshot(page, 'csrf-refused');

    const keys = await apiGet<{ data: unknown[] }>(run.stack.api.url, token, '/v1/api-keys');
    expect(keys.data).toEqual([]);
    await context.close();
  });

  it('still accepts the same form from the dashboard itself', async () => {
    const email = `same-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/settings`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Settings');
    await page.fill('#field-name', 'legit');
    await page.click('button:text("Create key")');
    await page.waitForSelector('[data-testid=api-key-secret]');
    const keys = await apiGet<{ data: Array<{ name: string }> }>(run.stack.api.url, token, '/v1/api-keys');
    expect(keys.data.map((key) => key.name)).toEqual(['legit']);
    await context.close();
  });
});
