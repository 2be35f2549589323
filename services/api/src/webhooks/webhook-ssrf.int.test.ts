// SSRF safety with private URLs forbidden (production's default): internal addresses are refused
// when an endpoint is made or changed, and again when a delivery is sent, so an endpoint whose name
// later resolves inside (DNS rebinding, or a row made when it pointed elsewhere) reaches nothing.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, startWebhookReceiver, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { deliveriesOf } from './testing/webhook-test-kit.js';

let api: TestApi;
let alice: Client;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [api, receiver] = await Promise.all([
    startTestApi({ env: { WEBHOOKS_ALLOW_PRIVATE_URLS: 'false', WEBHOOK_POLL_MS: '20' } }),
    startWebhookReceiver(),
  ]);
  alice = await signUp(api.url);
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

test.each([
  ['http://127.0.0.1:8080/hook', 'loopback'],
  ['http://localhost/hook', 'loopback'],
  ['http://[::1]/hook', 'loopback'],
  ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
  ['http://[fd00:ec2::254]/', 'uniqueLocal'],
  ['http://10.0.0.7/hook', 'private'],
  ['http://192.168.1.1/hook', 'private'],
  ['http://100.64.0.1/hook', 'carrierGradeNat'],
  ['http://0.0.0.0/hook', 'unspecified'],
  ['http://224.0.0.1/hook', 'multicast'],
  ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
  ['https://user:secret@example.com/hook', 'must not contain credentials'],
])('%s is refused at creation (%s)', async (url, reason) => {
  const created = await alice.call('POST', '/v1/webhooks', { url, event_types: ['file.stored'] });
  expect(created.status).toBe(422);
  expect(created.body.code).toBe('webhook_url_not_allowed');
  expect(created.body.errors).toEqual([{ path: '/body/url', message: expect.stringContaining(reason) }]);
});

test('a changed URL is checked as a new one is', async () => {
  const id = randomUUID();
  await insertEndpoint(id, 'https://hooks.example.com/in');
  const changed = await alice.call('PATCH', `/v1/webhooks/${id}`, { url: 'http://127.0.0.1/admin' });
  expect(changed.status).toBe(422);
  expect(changed.body.code).toBe('webhook_url_not_allowed');
});

test('at send time an endpoint that resolves inside gets nothing; the attempt records why', async () => {
  // As if the name had resolved to a public address when the endpoint was made.
  const id = randomUUID();
  await insertEndpoint(id, receiver.url);
  const file = await uploadFile(alice, 'secret-plans.txt', 'internal');
  await expect
    .poll(async () => (await deliveriesOf(alice, id))[0]?.last_error, { timeout: 10_000 })
    .toBe('the URL resolves to 127.0.0.1, a loopback address');
  const [delivery] = await deliveriesOf(alice, id);
  expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
  expect(receiver.received.filter((r) => r.event.data.file_id === file.id)).toEqual([]);
});

async function insertEndpoint(id: string, url: string): Promise<void> {
  const accountId = (await alice.call('GET', '/v1/me')).body.id;
  await api.database.pool.query(sql.unsafe`
    insert into webhook_endpoints (id, account_id, url, event_types, secret, created_at)
    values (${id}, ${accountId}, ${url}, ${sql.array(['file.stored'], 'text')}, ${'whsec_' + Buffer.alloc(32, 7).toString('base64')}, now())`);
}
