// Lifecycle rules in a real Chromium: a rule is previewed (its dry run lists exactly the files it
// would delete) before it can be saved, saved, disabled and deleted, each checked against the API.
import { backdateFiles } from '@baketsu/api/testing';
import { Baketsu } from '@baketsu/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const run = useStackAndBrowser();
const email = `lifecycle-${Date.now()}@example.com`;
const password = 'a long enough passphrase';

let page: Page;
let client: Baketsu;
const old: string[] = [];

beforeAll(async () => {
  const accessToken = await apiSignIn(run.stack.api.url, email, password, true);
  client = new Baketsu({ baseUrl: run.stack.api.url, accessToken });
  for (const name of ['logs/2025/jan.log', 'logs/feb.log']) old.push((await client.files.upload(new TextEncoder().encode(`lines of ${name}`), { name, contentType: 'text/plain' })).id);
  await client.files.upload(new TextEncoder().encode('fresh'), { name: 'logs/today.log', contentType: 'text/plain' });
  await client.files.upload(new TextEncoder().encode('keep me'), { name: 'notes.txt', contentType: 'text/plain' });
  // Forty days old: a rule counts days, and the stack runs on the real clock.
  await backdateFiles(run.stack.api.database, old, 40 * 86_400_000);

  page = await run.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${run.stack.web.url}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await page.click('button[type=submit]');
  await waitForHeading(page, 'Dashboard');
});
afterAll(async () => {
  await page?.close();
});

it('previews a rule before it can be saved, then saves exactly what was previewed', async () => {
  await page.getByRole('link', { name: 'Lifecycle rules' }).click();
  await waitForHeading(page, 'Lifecycle rules');
  await page.getByLabel('Name').fill('Old logs');
  await page.getByLabel('What it does').selectOption('delete_older_than');
  await page.getByLabel('Days').fill('30');
  await page.getByLabel('Only in folder (optional)').fill('logs/nowhere');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect.poll(() => page.locator('#field-folder-error').textContent()).toContain('There is no folder');
  expect(await page.getByRole('button', { name: 'Save rule' }).count()).toBe(0);

  await page.getByLabel('Only in folder (optional)').fill('logs');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.waitFor();
  expect(await preview.getAttribute('data-preview-count')).toBe('2');
  const listed = await preview.locator('[data-candidate-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-candidate-id')));
  expect(listed.sort()).toEqual([...old].sort());
  expect(await preview.textContent()).toContain('logs/2025/jan.log');
  await screenshot(page, 'lifecycle-preview');
  // Nothing is saved by a preview.
  expect((await client.lifecycle.list()).items).toEqual([]);

  // A change after the preview takes the Save button away until it is previewed again.
  await page.getByLabel('Days').fill('31');
  expect(await page.getByRole('button', { name: 'Save rule' }).count()).toBe(0);
  await page.getByLabel('Days').fill('30');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save rule' }).click();
  const row = page.locator('tr[data-rule-id]');
  await row.waitFor();
  expect(await row.textContent()).toContain('Deletes files older than 30 days in logs');
  const [saved] = (await client.lifecycle.list()).items;
  expect(saved).toMatchObject({ name: 'Old logs', action: 'delete_older_than', days: 30, folder_path: 'logs', tag: null, enabled: true });
});

it('disables, shows the history of, and deletes a rule', async () => {
  const [rule] = (await client.lifecycle.list()).items;
  await page.getByRole('button', { name: 'Disable Old logs' }).click();
  await page.locator('td[data-enabled="false"]').waitFor();
  expect((await client.lifecycle.get(rule!.id)).enabled).toBe(false);

  await page.getByRole('link', { name: 'History of Old logs' }).click();
  await page.getByRole('heading', { name: 'History of Old logs' }).waitFor();
  expect(await page.getByText('No runs yet.').count()).toBe(1);

  await page.getByRole('button', { name: 'Delete Old logs' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Delete rule' }).click();
  await page.getByRole('heading', { name: 'No rules yet' }).waitFor();
  expect((await client.lifecycle.list()).items).toEqual([]);
});
