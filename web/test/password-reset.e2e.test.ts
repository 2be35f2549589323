// Forgot password, end to end in Chromium: the link comes by real mail (mailpit), opens the reset
// page, and the new password signs this browser in while the old one and every other sign-in end.
// Without SMTP the same mail is read from the dev mailbox page instead.
import { linkIn, testSmtpUrl, uniqueAddress, waitForMail } from '@baketsu/api/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { launchBrowser, screenshot, waitForHeading } from './browser.js';
import { startStack, type Stack } from './stack.js';

const password = 'the forgotten passphrase';
const replacement = 'a remembered passphrase';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** From the sign-in page: "Forgot password?", the address, and the answer that reveals nothing. */
async function askForReset(page: Page, stack: Stack, email: string): Promise<void> {
  await page.goto(`${stack.web.url}/login`);
  await page.click('a:text("Forgot password?")');
  await waitForHeading(page, 'Forgot your password?');
  await page.fill('#field-email', email);
  await page.click('button:text("Send the link")');
  await page.waitForSelector('[role=status]:has-text("a link to choose a new password is on its way")');
}

/** On the reset page the link opened: the new password, twice; lands signed in on the dashboard. */
async function chooseNewPassword(page: Page): Promise<void> {
  await waitForHeading(page, 'Choose a new password');
  await page.fill('#field-new_password', replacement);
  await page.fill('#field-confirm_password', replacement);
  await page.click('button:text("Set the password and sign in")');
  await waitForHeading(page, 'Dashboard');
}

describe('password reset by mail', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SMTP_URL: testSmtpUrl(), MAIL_POLL_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('forgot password → mail in mailpit → link → new password → signed in', async () => {
    const email = uniqueAddress('e2e-reset');
    const elsewhere = await apiSignIn(stack.api.url, email, password, true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await askForReset(page, stack, email);
    await screenshot(page, 'forgot-password-sent');

    const messages = await waitForMail(email, { count: 2 });
    const resetMail = messages.find((message) => message.subject === 'Reset your Baketsu password');
    expect(resetMail).toBeDefined();
    const link = linkIn(resetMail!, `${stack.web.url}/reset-password?token=`);
    await page.goto(link);
    await chooseNewPassword(page);
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    // The old password and the other sign-in are over; the link does not work twice.
    expect((await fetch(`${stack.api.url}/v1/me`, { headers: { authorization: `Bearer ${elsewhere}` } })).status).toBe(401);
    await expect(apiSignIn(stack.api.url, email, password)).rejects.toThrow('login failed: 401');
    await apiSignIn(stack.api.url, email, replacement);
    const again = await context.newPage();
    await again.goto(link);
    await again.fill('#field-new_password', 'yet another passphrase');
    await again.fill('#field-confirm_password', 'yet another passphrase');
    await again.click('button:text("Set the password and sign in")');
    await again.waitForSelector('[role=alert]:has-text("already used")');
    await context.close();
  });
});

describe('password reset without SMTP (npm start)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ MAIL_POLL_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the dev mailbox shows the reset mail, and its link works', async () => {
    const email = uniqueAddress('e2e-devmail');
    await apiSignIn(stack.api.url, email, password, true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await askForReset(page, stack, email);
    await page.click('a:text("dev mailbox")');
    await waitForHeading(page, 'Dev mailbox');
    const article = page.locator('article', { hasText: email }).filter({ hasText: 'Reset your Baketsu password' });
    await article.first().waitFor();
    await screenshot(page, 'dev-mailbox');
    await article.first().locator('a[href*="/reset-password?token="]').click();
    await chooseNewPassword(page);
    await apiSignIn(stack.api.url, email, replacement);
    await context.close();
  });
});
