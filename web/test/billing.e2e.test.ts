// Billing with Stripe (stripe-mock): Subscribe sends the person to Stripe Checkout, and the page
// shows the plan, month-to-date cost and invoices the API reports.
import { stripeMockEnv } from '@baketsu/billing/testing';
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const run = useStackAndBrowser(stripeMockEnv());

describe('billing with Stripe', () => {
  it('subscribes through Stripe Checkout', async () => {
    const email = `billing-${Date.now()}@example.com`;
    const password = 'billing passphrase';
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/billing`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Billing');
    expect(await page.textContent('main')).toContain('No subscription');
    await screenshot(page, 'billing-stripe');

    // Stripe's hosted page is not reachable from the test machine; catch the navigation to it.
    const checkout = new Promise<string>((resolve) => {
      void page.route((url) => url.origin !== new URL(run.stack.web.url).origin && url.origin !== new URL(run.stack.api.url).origin, async (route) => {
        resolve(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Stripe Checkout</h1>' });
      });
    });
    await page.click('button:text("Subscribe")');
    expect(await checkout).toMatch(/^https:\/\//);
    await page.close();
  });
});
