// The dashboard on a 390 px phone: a compact header, stat cards that hold their figures, and the
// Files table's actions in reach without scrolling sideways.
import { Baketsu } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'phones are computers';
const run = useStackAndBrowser();

describe('390 px wide', () => {
  it('keeps the header short, figures inside their cards and row actions on screen', async () => {
    const email = `mobile-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    await new Baketsu({ baseUrl: run.stack.api.url, accessToken: token }).files.upload(new TextEncoder().encode('x'.repeat(2000)), {
      name: 'a-rather-long-quarterly-report-name-2026.txt', contentType: 'text/plain',
    });
    const context = await run.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/upload`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Upload');

    const headerHeight = await page.$eval('.sidebar', (header) => header.getBoundingClientRect().height);
    // Was 317 px: the wrapped navigation plus a share of the page's spare height.
    expect(headerHeight).toBeLessThanOrEqual(120);

    await page.goto(`${run.stack.web.url}/dashboard`);
    await waitForHeading(page, 'Dashboard');
    const overflowing = await page.$$eval('.stat', (cards) => cards.filter((card) => card.scrollWidth > card.clientWidth).map((card) => card.textContent));
    expect(overflowing).toEqual([]);

    await page.goto(`${run.stack.web.url}/files`);
    await waitForHeading(page, 'Files');
    const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(pageOverflow).toBeLessThanOrEqual(0);
    const tableOverflow = await page.$eval('.table-wrap', (wrap) => wrap.scrollWidth - wrap.clientWidth);
    expect(tableOverflow).toBeLessThanOrEqual(0);
    for (const action of ['Download', 'Share', 'Delete']) {
      const box = await page.locator(`[aria-label="${action} a-rather-long-quarterly-report-name-2026.txt"]`).boundingBox();
      expect(box, action).not.toBeNull();
      expect(box!.x + box!.width, action).toBeLessThanOrEqual(390);
    }
    await context.close();
  });
});
