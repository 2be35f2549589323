// Changing the password from /settings with the keyboard alone: the API's problems show under their
// fields, and a change keeps this browser signed in while the old password stops working.
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'the original passphrase';
const replacement = 'a completely new passphrase';
const run = useStackAndBrowser();

describe('change password', () => {
  it('shows field errors, then changes the password and keeps this sign-in', async () => {
    const email = `change-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const otherSignIn = await apiSignIn(run.stack.api.url, email, password);
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/settings`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Settings');

    // Keyboard only: focus the first field, then Tab through the form and submit with Enter.
    await page.focus('#field-current_password');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-new_password');
    await page.keyboard.type(replacement);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-confirm_password');
    await page.keyboard.type(replacement);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#field-current_password-error');
    expect(await page.textContent('#field-current_password-error')).toBe('The current password is not correct');
    expect(await page.getAttribute('#field-current_password', 'aria-invalid')).toBe('true');
    // Still on /settings: a wrong password is not a sign-out.
    expect(new URL(page.url()).pathname).toBe('/settings');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-current_password');
    await screenshot(page, 'change-password-error');

    await page.fill('#field-current_password', password);
    await page.fill('#field-new_password', replacement);
    await page.fill('#field-confirm_password', replacement);
    await page.click('button:text("Change password")');
    await page.waitForSelector('[role=status]:text("Password changed")');
    expect(await page.locator('#field-current_password-error').count()).toBe(0);
    expect(await page.inputValue('#field-current_password')).toBe('');

    // This browser stays signed in; the other sign-in and the old password do not work any more.
    await page.reload();
    await waitForHeading(page, 'Settings');
    const other = await fetch(`${run.stack.api.url}/v1/me`, { headers: { authorization: `Bearer ${otherSignIn}` } });
    expect(other.status).toBe(401);
    await expect(apiSignIn(run.stack.api.url, email, password)).rejects.toThrow('login failed: 401');
    await apiSignIn(run.stack.api.url, email, replacement);
    await context.close();
  });
});
