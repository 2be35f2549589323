// Live usage in the dashboard: a file uploaded in one tab shows in another tab's usage page and
// files page without a reload, through the dashboard's own stream route (no token in the page).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'watch the numbers move';
const run = useStackAndBrowser();

/** Marks the document, so a reload (which would drop the mark) cannot pass for a live update. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 17));
const documentIsTheSame = (page: Page) => page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark === 17);

describe('live usage', () => {
  it('a second tab’s usage page and files page change while the first tab uploads, without a reload', async () => {
    const email = `live-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const context = await run.browser.newContext();
    try {
      const uploader = await context.newPage();
      await uploader.goto(`${run.stack.web.url}/login?redirectTo=/upload`);
      await uploader.fill('#field-email', email);
      await uploader.fill('#field-password', password);
      await uploader.keyboard.press('Enter');
      await waitForHeading(uploader, 'Upload');

      // The second tab shares the sign-in (the same cookie), as a person's second tab does.
      const watcher = await context.newPage();
      await watcher.goto(`${run.stack.web.url}/dashboard`);
      await waitForHeading(watcher, 'Dashboard');
      await watcher.waitForSelector('[data-testid=as-of][data-live="1"]');
      expect(await watcher.getAttribute('[data-testid=file-count]', 'data-value')).toBe('0');
      await markDocument(watcher);

      const files = await context.newPage();
      await files.goto(`${run.stack.web.url}/files`);
      await waitForHeading(files, 'Files');
      await files.waitForSelector('[data-testid=live-usage][data-live="1"]');
      await markDocument(files);

      await uploader.setInputFiles('#file-picker', [{ name: 'live.txt', mimeType: 'text/plain', buffer: Buffer.alloc(3000, 'a') }]);
      await watcher.waitForSelector('[data-testid=file-count][data-value="1"]', { timeout: 10_000 });
      expect(await watcher.getAttribute('[data-testid=stored-bytes]', 'data-value')).toBe('3000');
      expect(await documentIsTheSame(watcher)).toBe(true);

      // The files page's summary follows, and its list is loaded again with the new file in it.
      await files.waitForSelector('[data-testid=live-usage][data-file-count="1"]', { timeout: 10_000 });
      await files.waitForSelector('text=live.txt', { timeout: 10_000 });
      expect(await documentIsTheSame(files)).toBe(true);

      // The page never holds the API token: the stream is the dashboard's own route.
      const html = await watcher.content();
      expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    } finally {
      await context.close();
    }
  });
});
