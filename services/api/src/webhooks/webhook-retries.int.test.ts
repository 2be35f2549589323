// Retries driven by the test clock instead of waiting for hours: a receiver that is down for a while
// gets everything late and nothing is lost; one that never answers well is retried for more than a
// day, then the delivery is marked failed; an endpoint failing for days is disabled, says why and
// mails its owner once (nobody, when the account is being deleted).
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { mailTo, startTestApi, startWebhookReceiver, testSmtpUrl, uniqueAddress, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { MAX_ATTEMPTS } from './retry-schedule.js';
import { leaseMs } from './sender.js';
import { createEndpoint, deliveriesOf, verifies, withApiKey } from './testing/webhook-test-kit.js';

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let api: TestApi;
let alice: Client;
const aliceEmail = uniqueAddress('webhook-owner');
const DISABLED_SUBJECT = 'Baketsu: a webhook endpoint was disabled';
const disabledMailTo = async (address: string) => (await mailTo(address)).filter((message) => message.subject === DISABLED_SUBJECT);
let receiver: WebhookReceiver;
const HOUR = 3_600_000;

beforeAll(async () => {
  [api, receiver] = await Promise.all([startTestApi({ clock, env: { WEBHOOK_POLL_MS: '20', WEBHOOK_TIMEOUT_MS: '2000', SMTP_URL: testSmtpUrl(), MAIL_POLL_INTERVAL_MS: '50' } }), startWebhookReceiver()]);
  alice = await withApiKey(api.url, await signUp(api.url, aliceEmail));
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

test('a receiver that is down for a while gets every event late, each once delivered, nothing lost', async () => {
  const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });
  await receiver.down();
  const files: Array<{ id: string }> = [];
  for (let i = 0; i < 5; i++) files.push(await uploadFile(alice, `late-${i}.txt`, `late ${i}`));
  // Every delivery has been tried once and refused (connection refused), and waits for its retry.
  await expect
    .poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => `${d.status}:${d.attempts}:${d.last_status_code}`), { timeout: 10_000 })
    .toEqual(Array(5).fill('pending:1:null'));
  const failed = await deliveriesOf(alice, endpoint.id);
  expect(failed[0]!.last_error).toMatch(/ECONNREFUSED/);

  await receiver.up();
  offsetMs += HOUR; // past every delivery's next attempt
  const got = await receiver.waitFor((all) => files.every((f) => all.some((r) => r.event.data.file_id === f.id)));
  for (const delivery of got) expect(verifies(delivery, endpoint.secret)).toBe(true);
  await expect.poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => d.status)).toEqual(Array(5).fill('delivered'));
  const log = await deliveriesOf(alice, endpoint.id);
  expect(log.every((d) => d.attempts === 2 && d.last_status_code === 200 && d.last_error === null)).toBe(true);
  await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
});

test('a receiver that keeps failing is retried with growing waits for more than 24 hours, then the delivery is failed; days of failure disable the endpoint', async () => {
  receiver.answerWith(500);
  const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });
  const file = await uploadFile(alice, 'doomed.txt', 'nobody hears this');
  const firstAttemptAt = clock.now().getTime();
  const attemptsTimes: number[] = [];
  // A claim counts the attempt and pushes next_attempt_at out by the lease before the request is
  // sent; only the recorded failure sets the real next attempt. Wait for that record, not the claim.
  const recorded = (delivery: Record<string, unknown> | undefined, attempt: number) =>
    delivery?.attempts === attempt &&
    (delivery.next_attempt_at === null ||
      Date.parse(String(delivery.next_attempt_at)) - Date.parse(String(delivery.last_attempt_at)) !== leaseMs(api.config.WEBHOOK_TIMEOUT_MS));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    await expect.poll(async () => recorded((await deliveriesOf(alice, endpoint.id))[0], attempt), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await deliveriesOf(alice, endpoint.id))[0]?.last_status_code, { timeout: 10_000 }).toBe(500);
    const [delivery] = await deliveriesOf(alice, endpoint.id);
    attemptsTimes.push(Date.parse(delivery!.last_attempt_at));
    if (attempt < MAX_ATTEMPTS) {
      expect(delivery!.status).toBe('pending');
      // Move the clock to the delivery's next attempt: each wait is longer than the one before.
      offsetMs += Date.parse(delivery!.next_attempt_at) - clock.now().getTime() + 10;
    }
  }
  await expect.poll(async () => (await deliveriesOf(alice, endpoint.id))[0]?.status).toBe('failed');
  const waits = attemptsTimes.slice(1).map((at, i) => at - attemptsTimes[i]!);
  for (let i = 1; i < 7; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
  expect(attemptsTimes.at(-1)! - firstAttemptAt).toBeGreaterThan(24 * HOUR);
  expect(receiver.received.filter((r) => r.event.data.file_id === file.id)).toHaveLength(MAX_ATTEMPTS);

  // Failing since the first attempt (over a day and a half ago); four days on, one more failure
  // passes the five days and disables it.
  let state = (await alice.call('GET', `/v1/webhooks/${endpoint.id}`)).body;
  expect(state.status).toBe('enabled');
  // Set when the first attempt's failure was recorded, just after it started.
  expect(Date.parse(state.failing_since)).toBeGreaterThanOrEqual(attemptsTimes[0]!);
  expect(Date.parse(state.failing_since)).toBeLessThan(attemptsTimes[1]!);
  offsetMs += 4 * 24 * HOUR;
  await uploadFile(alice, 'last-straw.txt', 'x');
  await expect.poll(async () => (await alice.call('GET', `/v1/webhooks/${endpoint.id}`)).body.status, { timeout: 10_000 }).toBe('disabled');
  state = (await alice.call('GET', `/v1/webhooks/${endpoint.id}`)).body;
  expect(state.disabled_reason).toBe('every delivery failed for 120 hours');
  // Its owner is told by mail: which endpoint, failing since when, the last error, where to look.
  await expect.poll(async () => (await disabledMailTo(aliceEmail)).length, { timeout: 15_000 }).toBe(1);
  const [mail] = await disabledMailTo(aliceEmail);
  expect(mail!.text).toContain(`webhook endpoint ${receiver.url} has failed since ${state.failing_since}`);
  expect(mail!.text).toContain('The last attempt: answered 500.');
  expect(mail!.text).toContain(`${api.config.DASHBOARD_URL.replace(/\/+$/, '')}/webhooks/${endpoint.id}`);
  // Its pending delivery waits, due at no time, however far the clock moves.
  const parked = (await deliveriesOf(alice, endpoint.id)).find((d) => d.status === 'pending');
  expect(parked).toMatchObject({ attempts: 1, next_attempt_at: null });
  offsetMs += 30 * 24 * HOUR;

  // Its owner fixes the receiver and turns it back on: the waiting delivery goes out, failing_since clears.
  receiver.answerWith(200);
  const enabled = await alice.call('PATCH', `/v1/webhooks/${endpoint.id}`, { enabled: true });
  expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null, failing_since: null });
  offsetMs += HOUR;
  await expect.poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => d.status).sort(), { timeout: 10_000 }).toEqual(['delivered', 'failed']);
  // One disabling, one mail: the failures before and after it sent none.
  expect(await disabledMailTo(aliceEmail)).toHaveLength(1);
});

test('an endpoint of an account being deleted is disabled without a mail to anyone', async () => {
  receiver.answerWith(500);
  const carolEmail = uniqueAddress('webhook-deleting');
  const session = await signUp(api.url, carolEmail);
  const carol = await withApiKey(api.url, session);
  const endpoint = await createEndpoint(carol, { url: receiver.url, event_types: ['file.stored'] });
  await uploadFile(carol, 'unheard.txt', 'x');
  await expect.poll(async () => (await deliveriesOf(carol, endpoint.id))[0]?.last_status_code, { timeout: 10_000 }).toBe(500);
  expect((await session.call('POST', '/v1/me/delete', { password: 'correct horse battery staple' })).status).toBe(202);

  // Six days on, the pending delivery's retry fails and disables the endpoint: no address, no mail.
  offsetMs += 6 * 24 * HOUR;
  const endpointState = () =>
    api.database.pool.one(sql.type(z.object({ disabled_at: z.number().nullable(), account_id: z.string() }))`
      select disabled_at, account_id from webhook_endpoints where id = ${endpoint.id}`);
  await expect.poll(async () => (await endpointState()).disabled_at, { timeout: 10_000 }).not.toBeNull();
  const queued = await api.database.pool.oneFirst(sql.type(z.object({ count: z.number() }))`
    select count(*)::int as count from mail_outbox where template = 'webhook_endpoint_disabled' and account_id = ${(await endpointState()).account_id}`);
  expect(queued).toBe(0);
  expect(await disabledMailTo(carolEmail)).toEqual([]);
});
