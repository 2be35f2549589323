// The webhooks page in a real Chromium: add an endpoint (its secret shown once), watch a delivery
// arrive in its log, replay it (the receiver gets the same webhook-id again), rotate the secret and
// delete the endpoint.
import { Baketsu } from '@baketsu/sdk';
import { startWebhookReceiver, type WebhookReceiver } from '@baketsu/api/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiSignIn } from './api-client.js';
import { waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const run = useStackAndBrowser({ WEBHOOK_POLL_MS: '20' });
const email = `webhooks-${Date.now()}@example.com`;
const password = 'a long enough passphrase';
let page: Page;
let client: Baketsu;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const accessToken = await apiSignIn(run.stack.api.url, email, password, true);
  client = new Baketsu({ baseUrl: run.stack.api.url, accessToken });
  page = await run.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${run.stack.web.url}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await page.click('button[type=submit]');
  await waitForHeading(page, 'Dashboard');
});
afterAll(async () => {
  await page?.close();
  await receiver?.stop();
});

it('adds an endpoint, shows its deliveries, replays one with the same id, rotates and deletes', async () => {
  await page.goto(`${run.stack.web.url}/webhooks`);
  await waitForHeading(page, 'Webhooks');
  await page.getByLabel('URL').fill(receiver.url);
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = page.getByTestId('webhook-secret');
  await secret.waitFor();
  const firstSecret = await secret.textContent();
  expect(firstSecret).toMatch(/^whsec_/);
  await page.getByRole('link', { name: receiver.url }).waitFor();

  await client.files.upload(new TextEncoder().encode('hello'), { name: 'hello.txt', contentType: 'text/plain' });
  const [first] = await receiver.waitFor((all) => all.length >= 1);
  await page.getByRole('link', { name: receiver.url }).click();
  await waitForHeading(page, receiver.url);
  const row = page.locator(`tr[data-event-id="${first!.id}"]`);
  // The success is recorded just after the receiver answered: reload until the log shows it.
  await expect
    .poll(async () => {
      await page.reload();
      return row.locator('[data-status="delivered"]').count();
    })
    .toBe(1);
  await waitForHeading(page, receiver.url);
  expect(await row.textContent()).toContain('200');

  await row.getByRole('button', { name: /Send file.stored .* again/ }).click();
  const copies = await receiver.waitFor((all) => all.filter((r) => r.id === first!.id).length === 2);
  expect(copies.filter((r) => r.id === first!.id).map((r) => r.event.id)).toEqual([first!.id, first!.id]);

  await page.getByRole('link', { name: '← Webhooks' }).click();
  await waitForHeading(page, 'Webhooks');
  await page.getByRole('button', { name: `Rotate the secret of ${receiver.url}` }).click();
  await page.getByText('The new signing secret').waitFor();
  const rotated = await page.getByTestId('webhook-secret').textContent();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(firstSecret);

  await page.getByRole('button', { name: `Delete ${receiver.url}` }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No endpoints yet').waitFor();
  const listed = [];
  for await (const webhook of client.webhooks.list()) listed.push(webhook);
  expect(listed).toEqual([]);
});
