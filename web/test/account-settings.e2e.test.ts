// Usage alerts on the dashboard and the danger zone in /settings, against the whole stack: the API's
// refusals show under their fields, an alert the API's evaluator records shows on the dashboard,
// and deleting the account signs this browser out and ends the account's access.
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'the account passphrase';
// A high price, so one small file projects past a tiny threshold on any day of the month; the
// evaluator runs every second.
const run = useStackAndBrowser({ PRICE_PER_GIB_MONTH: '100000', USAGE_ALERT_INTERVAL_SECONDS: '1', ACCOUNT_DELETION_INTERVAL_SECONDS: '1' });

async function uploadThroughApi(apiUrl: string, token: string): Promise<void> {
  const call = (path: string, body: unknown) =>
    fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const body = 'x'.repeat(4096);
  const presign = (await (await call('/v1/files/presign', { name: 'costly.bin', size: body.length, content_type: 'application/octet-stream' })).json()) as {
    upload_id: string;
    url: string;
    headers: Record<string, string>;
  };
  expect((await fetch(presign.url, { method: 'PUT', headers: presign.headers, body })).status).toBe(200);
  expect((await call('/v1/files/complete', { upload_id: presign.upload_id })).status).toBe(201);
}

describe('account settings', () => {
  it('sets usage alerts, shows an alert sent, then deletes the account from the danger zone', async () => {
    const email = `settings-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    await uploadThroughApi(run.stack.api.url, token);
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/dashboard`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Dashboard');

    // A percentage needs a spend cap: the API's words, under the field.
    await page.fill('#field-thresholds', '80%');
    await page.click('button:text("Save alerts")');
    await page.waitForSelector('#field-thresholds-error');
    expect(await page.textContent('#field-thresholds-error')).toContain('spend cap');
    expect(await page.getAttribute('#field-thresholds', 'aria-invalid')).toBe('true');

    await page.fill('#field-thresholds', '0.000001, 1000000');
    await page.click('button:text("Save alerts")');
    await page.waitForSelector('[role=status]:text("Saved")');
    const saved = (await (await fetch(`${run.stack.api.url}/v1/usage/alert-thresholds`, { headers: { authorization: `Bearer ${token}` } })).json()) as { thresholds: unknown[] };
    expect(saved.thresholds).toEqual([{ amount: '0.000001' }, { amount: '1000000.000000' }]);

    // The evaluator (every second) records the crossed threshold; the dashboard lists it.
    for (let attempt = 0; ; attempt++) {
      await page.reload();
      await waitForHeading(page, 'Dashboard');
      if ((await page.locator('table[aria-label="Alerts sent"] tbody tr').count()) > 0) break;
      if (attempt > 30) throw new Error('no alert shown on the dashboard');
      await page.waitForTimeout(500);
    }
    expect(await page.inputValue('#field-thresholds')).toBe('0.000001, 1000000');
    expect(await page.locator('table[aria-label="Alerts sent"] tbody tr').count()).toBe(1);
    await screenshot(page, 'usage-alerts');

    await page.goto(`${run.stack.web.url}/settings`);
    await waitForHeading(page, 'Settings');
    await page.fill('#field-delete_password', 'not the password');
    await page.check('input[name=confirm]');
    await page.click('button:text("Delete account")');
    await page.waitForSelector('#field-delete_password-error');
    expect(await page.textContent('#field-delete_password-error')).toBe('The password is not correct');
    expect(new URL(page.url()).pathname).toBe('/settings');
    await page.locator('#danger-zone').scrollIntoViewIfNeeded();
    await screenshot(page, 'danger-zone');

    await page.fill('#field-delete_password', password);
    await page.click('button:text("Delete account")');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.waitForSelector('[role=status]:text("Your account was deleted")');
    await screenshot(page, 'account-deleted');

    // The cookie is gone and the account's access with it; the address can register again.
    await page.goto(`${run.stack.web.url}/dashboard`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect((await fetch(`${run.stack.api.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await expect(apiSignIn(run.stack.api.url, email, password)).rejects.toThrow('login failed: 401');
    await apiSignIn(run.stack.api.url, email, password, true);
    await context.close();
  });
});
