// The webhooks resource against a real API and a real receiving server: every event type arrives
// and is checked by the static `Baketsu.webhooks.verify`, the way a receiver would; the delivery log,
// replay and rotation through the SDK.
import { randomUUID } from 'node:crypto';
import { appendRawEvent, startWebhookReceiver, type WebhookReceiver } from '@baketsu/api/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Baketsu, NotFoundError, ValidationError, WebhookVerificationError, type WebhookDelivery, type WebhookEvent } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let t: SdkTestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  [t, receiver] = await Promise.all([
    // Reconciliation every second: it gives up the upload left unfinished below once the clock passes its age.
    startSdkTestApi('local', { clock, env: { WEBHOOK_POLL_MS: '20', RECONCILE_INTERVAL_SECONDS: '1', PENDING_UPLOAD_MAX_AGE_SECONDS: '900' } }),
    startWebhookReceiver(),
  ]);
});
afterAll(async () => {
  await t?.stop();
  await receiver?.stop();
});

it('delivers every event type, each verified by Baketsu.webhooks.verify', async () => {
  const endpoint = await t.client.webhooks.create({
    url: receiver.url,
    event_types: ['file.stored', 'file.moved', 'file.deleted', 'upload.expired', 'usage.alert'],
  });
  const file = await t.client.files.upload(new TextEncoder().encode('hello'), { name: 'hello.txt', contentType: 'text/plain' });
  const folder = await t.client.folders.create('inbox');
  await t.client.files.move(file.id, folder.id);
  await t.client.files.delete(file.id);
  const abandoned = await t.client.uploads.presign({ name: 'never.bin', size: 10, content_type: 'application/octet-stream' });
  const me = await t.client.auth.me();
  const alertId = randomUUID();
  await appendRawEvent(t.api.database.pool, {
    id: alertId,
    type: 'usage.alert',
    subject: me.id,
    time: new Date().toISOString(),
    data: { account_id: me.id, threshold_bytes: 1000 },
  });

  // Successes are recorded in batches, just after the receiver answered.
  const readLog = async () => {
    const entries: WebhookDelivery[] = [];
    for await (const delivery of t.client.webhooks.deliveries(endpoint.id, { limit: 2 })) entries.push(delivery);
    return entries;
  };
  // A claim's lease is measured on the API's clock: the jump below would let the dispatcher claim
  // again (and send again, with the same webhook-id) a delivery still in flight. Jump only once the
  // first four are recorded, so that each event here arrives exactly once.
  await expect.poll(async () => (await readLog()).filter((d) => d.status === 'delivered').length, { timeout: 20_000 }).toBe(4);
  offsetMs += 3_600_000; // the unfinished upload is now older than its maximum age

  const types = ['file.stored', 'file.moved', 'file.deleted', 'upload.expired', 'usage.alert'];
  const got = await receiver.waitFor((all) => types.every((type) => all.some((r) => r.event.type === type)), 20_000);
  const events: WebhookEvent[] = got.map((delivery) => Baketsu.webhooks.verify(delivery.body, delivery.headers as Record<string, string>, endpoint.secret));
  expect(events.map((event) => event.type).sort()).toEqual([...types].sort());
  expect(events.find((e) => e.type === 'file.stored')!.data).toMatchObject({ file_id: file.id, size_bytes: 5, content_type: 'text/plain' });
  expect(events.find((e) => e.type === 'file.moved')!.data).toMatchObject({ file_id: file.id, to: { folder_id: folder.id, path: 'inbox/hello.txt' } });
  expect(events.find((e) => e.type === 'file.deleted')!.data).toMatchObject({ file_id: file.id });
  expect(events.find((e) => e.type === 'upload.expired')!.data).toMatchObject({ upload_id: abandoned.upload_id, name: 'never.bin', size_bytes: 10 });
  expect(events.find((e) => e.type === 'usage.alert')!.id).toBe(alertId);
  // Headers as fetch's Headers work too; a changed body or a wrong secret is refused.
  const [first] = got;
  expect(Baketsu.webhooks.verify(first!.body, new Headers(first!.headers as Record<string, string>), endpoint.secret).id).toBe(first!.id);
  expect(() => Baketsu.webhooks.verify(first!.body.replace('"data"', '"data" '), first!.headers as Record<string, string>, endpoint.secret)).toThrow(WebhookVerificationError);
  const other = await t.client.webhooks.create({ url: `${receiver.url}?other`, event_types: ['usage.alert'] });
  expect(() => Baketsu.webhooks.verify(first!.body, first!.headers as Record<string, string>, other.secret)).toThrow(WebhookVerificationError);
  await t.client.webhooks.delete(other.id);

  await expect.poll(async () => (await readLog()).every((d) => d.status === 'delivered')).toBe(true);
  const log = await readLog();
  expect(log.map((d) => d.event_id).sort()).toEqual(got.map((r) => r.id).sort());
  expect(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.last_status_code === 200)).toBe(true);

  expect(await t.client.webhooks.replay(endpoint.id, { event_id: alertId })).toEqual({ replayed: 1 });
  await receiver.waitFor((all) => all.filter((r) => r.id === alertId).length === 2);

  const rotated = await t.client.webhooks.rotateSecret(endpoint.id);
  expect(rotated.secret).toMatch(/^whsec_/);
  expect(Date.parse(rotated.previous_secret_expires_at!)).toBeGreaterThan(clock.now().getTime());
  const listed = [];
  for await (const webhook of t.client.webhooks.list()) listed.push(webhook.id);
  expect(listed).toContain(endpoint.id);
  await t.client.webhooks.delete(endpoint.id);
  await expect(t.client.webhooks.get(endpoint.id)).rejects.toBeInstanceOf(NotFoundError);
});

it('a URL the server refuses is a ValidationError with its code', async () => {
  await expect(t.client.webhooks.create({ url: 'https://user:pw@example.com/', event_types: ['file.stored'] })).rejects.toMatchObject({
    constructor: ValidationError,
    code: 'webhook_url_not_allowed',
  });
});
