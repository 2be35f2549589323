// A new account in Chromium: the banner asks to confirm the address, the mailed link (mailpit)
// confirms it, and the settings page changes the display name and, through a link mailed to the new
// address, the email.
import { linkIn, testSmtpUrl, uniqueAddress, waitForMail } from '@baketsu/api/testing';
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'a verifiable passphrase';
const run = useStackAndBrowser({ SMTP_URL: testSmtpUrl(), MAIL_POLL_INTERVAL_MS: '50' });

async function linkMailedTo(address: string, subject: string, webUrl: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const message = (await waitForMail(address)).find((mail) => mail.subject === subject);
    if (message) return linkIn(message, `${webUrl}/verify-email?token=`);
    if (Date.now() > deadline) throw new Error(`no "${subject}" mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('address verification and profile', () => {
  it('banner → mailed link → confirmed; display name and email change from settings', async () => {
    const email = uniqueAddress('e2e-verify');
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/register`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.fill('#field-confirm', password);
    await page.click('button:text("Create account")');
    await waitForHeading(page, 'Upload');
    const banner = page.getByRole('region', { name: 'Confirm your email address' });
    await banner.waitFor();
    await screenshot(page, 'verify-banner');

    await page.goto(await linkMailedTo(email, 'Confirm your email address for Baketsu', run.stack.web.url));
    await waitForHeading(page, 'Confirm your email address');
    await page.click('button:text("Confirm my address")');
    await page.waitForSelector('[role=status]:has-text("is confirmed")');
    await page.goto(`${run.stack.web.url}/dashboard`);
    await waitForHeading(page, 'Dashboard');
    expect(await banner.count()).toBe(0);

    await page.goto(`${run.stack.web.url}/settings`);
    await waitForHeading(page, 'Settings');
    // Two forms on the page ask for the current password: their fields must not share an id.
    const duplicateIds = await page.evaluate(() => {
      const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
      return ids.filter((id, index) => ids.indexOf(id) !== index);
    });
    expect(duplicateIds).toEqual([]);
    await page.fill('#profile-display_name', 'Ada Lovelace');
    const newEmail = uniqueAddress('e2e-moved');
    await page.fill('#profile-email', newEmail);
    await page.fill('#profile-current_password', password);
    await page.click('button:text("Save profile")');
    await page.waitForSelector(`[role=status]:has-text("Waiting for confirmation of ${newEmail}")`);
    await screenshot(page, 'profile-pending-email');
    expect(await page.inputValue('#profile-current_password')).toBe('');
    expect(await page.textContent('.sidebar .account')).toContain('Ada Lovelace');

    await page.goto(await linkMailedTo(newEmail, 'Confirm your new email address for Baketsu', run.stack.web.url));
    await page.click('button:text("Confirm my address")');
    await page.waitForSelector(`[role=status]:has-text("${newEmail} is confirmed")`);
    await page.goto(`${run.stack.web.url}/settings`);
    await waitForHeading(page, 'Settings');
    expect(await page.textContent('#main')).toContain(`Email: ${newEmail}`);
    await apiSignIn(run.stack.api.url, newEmail, password);
    await context.close();
  });

  it('the banner says so when the link cannot be sent again (the per-account limit)', async () => {
    const email = uniqueAddress('e2e-resend');
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    // Use up the account's resends through the API, so the page's click is the one refused.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const response = await fetch(`${run.stack.api.url}/v1/me/email-verification`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      if (response.status === 429) break;
      expect(response.status).toBe(202);
    }
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/dashboard`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Dashboard');
    const banner = page.getByRole('region', { name: 'Confirm your email address' });
    await banner.getByRole('button', { name: 'Send the link again' }).click();
    const refusal = banner.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Too many requests');
    expect(await banner.getByRole('status').count()).toBe(0);
    await context.close();
  });
});
