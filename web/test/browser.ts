// Debian's Chromium driven by playwright-core; never a downloaded browser.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webRoot } from '../server/dashboard.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = path.join(webRoot, 'artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/** After a client-side navigation the URL changes before the new page renders; wait for its heading. */
export async function waitForHeading(page: Page, text: string): Promise<void> {
  await page.waitForSelector(`h1:text-is("${text}")`);
  // And for hydration, so handlers are attached before the test types or picks files.
  await page.waitForLoadState('networkidle');
}
