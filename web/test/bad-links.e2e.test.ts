// Addresses typed, pasted or kept from long ago: a value the API refuses (a stale cursor, a folder
// that is gone) answers a clear page with a way back and a 4xx status, never "Unexpected Server Error".
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'bad links stay calm';
const run = useStackAndBrowser();

describe('bad query values', () => {
  it('shows a clear message and a way back for every list page', async () => {
    const email = `bad-links-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/files`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Files');

    for (const path of ['/files?cursor=bad-cursor', '/folders?cursor=bad-cursor', '/shares?cursor=bad-cursor', '/folders?in=00000000-0000-4000-8000-000000000000']) {
      const response = await page.goto(`${run.stack.web.url}${path}`);
      expect(response?.status(), path).toBeGreaterThanOrEqual(400);
      expect(response?.status(), path).toBeLessThan(500);
      const alert = page.locator('[role=alert]');
      expect(await alert.locator('h1').innerText(), path).toBe('This link does not work any more');
      expect(await page.textContent('main'), path).not.toContain('Unexpected Server Error');
      // The way back drops the refused values.
      expect(await alert.locator('a:text-is("Start over")').getAttribute('href'), path).toBe(path.split('?')[0]);
    }
    // Values the dashboard can judge itself are dropped, not sent: the page still renders.
    for (const path of ['/files?sort=nope&order=sideways&limit=-3&type=zzz', '/folders?in=not-a-uuid', '/dashboard?x=1', '/billing?cursor=bad']) {
      const response = await page.goto(`${run.stack.web.url}${path}`);
      expect(response?.status(), path).toBe(200);
    }
    await page.close();
  });
});
