// An upload started on /upload keeps going when the person moves to another page: a panel shows
// its progress there, and leaving the site while bytes are in flight asks first.
import { describe, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const MiB = 1024 * 1024;
const password = 'uploads follow you';
const run = useStackAndBrowser();

describe('upload panel', () => {
  it('follows the person across pages with progress and warns before leaving mid-upload', async () => {
    const email = `panel-${Date.now()}@example.com`;
    await apiSignIn(run.stack.api.url, email, password, true);
    const page = await run.browser.newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/upload`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Upload');
    const leaveIsGuarded = () => page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(await leaveIsGuarded()).toBe(false);

    // A slow uplink keeps the upload running while the person moves on.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * MiB });
    await page.setInputFiles('#file-picker', [{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(11 * MiB, 3) }]);
    await page.waitForFunction(() => (document.querySelector<HTMLProgressElement>('progress[aria-label="Progress of big.bin"]')?.value ?? 0) > 0);
    expect(await leaveIsGuarded()).toBe(true);

    await page.click('nav[aria-label=Main] a:text-is("Files")');
    await waitForHeading(page, 'Files');
    const panel = page.locator('[data-testid=upload-panel]');
    expect(await panel.getAttribute('data-running')).toBe('1');
    expect(await panel.locator('[role=status]').innerText()).toBe('Uploading 1 file…');
    const before = await panel.locator('progress').evaluate((bar: HTMLProgressElement) => bar.value);
    await page.waitForFunction((seen) => (document.querySelector<HTMLProgressElement>('[data-testid=upload-panel] progress')?.value ?? 0) > seen, before);
    expect(await leaveIsGuarded()).toBe(true);

    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.waitForSelector('[data-testid=upload-panel][data-running="0"]', { timeout: 60_000 });
    expect(await panel.locator('[role=status]').innerText()).toBe('Uploads finished');
    expect(await leaveIsGuarded()).toBe(false);

    // Back on /upload the queue still lists it (it lived above the page).
    await page.click('[data-testid=upload-panel] a:text-is("Details")');
    await waitForHeading(page, 'Upload');
    expect(await page.getAttribute('[data-testid=upload-item]', 'data-state')).toBe('done');
    await page.goto(`${run.stack.web.url}/files`);
    await page.waitForSelector('tr:has-text("big.bin")');
    await page.close();
  });
});
