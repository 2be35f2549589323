// Webhook endpoints against the real app and a real receiving server: registration (secret once),
// the events of file changes delivered and signed, the delivery log, replay with the same ids,
// secret rotation with an overlap, and one account never seeing another's endpoints.
import { sql } from 'slonik';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, startWebhookReceiver, type ReceivedWebhook, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { createEndpoint, deleteAllEndpoints, deliveriesOf, verifies } from './testing/webhook-test-kit.js';

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let api: TestApi;
let alice: Client;
let bob: Client;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [api, receiver] = await Promise.all([startTestApi({ clock, env: { WEBHOOK_POLL_MS: '20' } }), startWebhookReceiver()]);
  [alice, bob] = await Promise.all([signUp(api.url), signUp(api.url)]);
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});
afterEach(() => deleteAllEndpoints([alice, bob]));

const ofFile = (fileId: string) => (received: readonly ReceivedWebhook[]) => received.filter((r) => r.event.data.file_id === fileId);

describe('registering an endpoint', () => {
  test('answers the secret once, in the Standard Webhooks form, and never again', async () => {
    const created = await alice.call('POST', '/v1/webhooks', { url: receiver.url, event_types: ['file.stored'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${created.body.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({ url: receiver.url, event_types: ['file.stored'], tag: null, status: 'enabled' });
    expect('folder_id' in created.body).toBe(false);
    const read = await alice.call('GET', `/v1/webhooks/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    const listed = await alice.call('GET', '/v1/webhooks');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await alice.call('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await alice.call('GET', `/v1/webhooks/${created.body.id}`)).body.code).toBe('webhook_not_found');
  });

  test('refuses what the contract refuses, and a folder that is not the account\'s', async () => {
    const bad = await alice.call('POST', '/v1/webhooks', { url: 'ftp://example.com/', event_types: ['file.stored'] });
    expect(bad.status).toBe(400);
    const unknownType = await alice.call('POST', '/v1/webhooks', { url: receiver.url, event_types: ['file.renamed'] });
    expect(unknownType.status).toBe(400);
    const bobsFolder = await bob.call('POST', '/v1/folders', { path: 'private' });
    const foreign = await alice.call('POST', '/v1/webhooks', { url: receiver.url, event_types: ['file.stored'], folder_id: bobsFolder.body.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('folder_not_found');
  });
});

describe('delivery', () => {
  test('file.stored, file.moved and file.deleted arrive signed, with the event id as webhook-id', async () => {
    const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored', 'file.moved', 'file.deleted'] });
    const file = await uploadFile(alice, 'hello.txt', 'hello');
    const folder = await alice.call('POST', '/v1/folders', { path: 'inbox' });
    expect((await alice.call('PATCH', `/v1/files/${file.id}`, { folder_id: folder.body.id, name: 'hi.txt' })).status).toBe(200);
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);
    const got = ofFile(file.id)(await receiver.waitFor((all) => ofFile(file.id)(all).length >= 3));
    expect(got.map((r) => r.event.type).sort()).toEqual(['file.deleted', 'file.moved', 'file.stored']);
    for (const delivery of got) {
      expect(verifies(delivery, endpoint.secret)).toBe(true);
      expect(delivery.id).toBe(delivery.event.id);
      expect(delivery.headers['content-type']).toBe('application/json');
    }
    const moved = got.find((r) => r.event.type === 'file.moved')!;
    expect(moved.event.data).toMatchObject({
      file_id: file.id,
      from: { folder_id: null, name: 'hello.txt', path: 'hello.txt' },
      to: { folder_id: folder.body.id, name: 'hi.txt', path: 'inbox/hi.txt' },
    });
    // Successes are recorded in batches, just after the receiver answered.
    await expect.poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const log = await deliveriesOf(alice, endpoint.id);
    expect(log.map((d) => d.event_id).sort()).toEqual(got.map((r) => r.id).sort());
    for (const entry of log) {
      expect(entry).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
      expect(entry.latency_ms).toBeGreaterThanOrEqual(0);
    }
    await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('a bulk move writes one file.moved per file that changed folder, in the move\'s transaction', async () => {
    const endpoint = await createEndpoint(alice, { url: `${receiver.url}?bulk`, event_types: ['file.moved'] });
    const target = await alice.call('POST', '/v1/folders', { path: 'bulk-target' });
    const files = [await uploadFile(alice, 'b1.txt', '1'), await uploadFile(alice, 'b2.txt', '2')];
    const moved = await alice.call('POST', '/v1/files/bulk-move', { ids: files.map((f) => f.id), folder_id: target.body.id });
    expect(moved.status).toBe(200);
    const got = await receiver.waitFor((all) => files.every((f) => all.some((r) => r.event.type === 'file.moved' && r.event.data.file_id === f.id)));
    for (const file of files) {
      const delivery = got.find((r) => r.event.type === 'file.moved' && r.event.data.file_id === file.id)!;
      expect(delivery.event.data).toMatchObject({ from: { folder_id: null, path: file.name }, to: { folder_id: target.body.id, path: `bulk-target/${file.name}` } });
    }
    const transactions = await api.database.pool.anyFirst(sql.unsafe`
      select distinct transaction_id::text from outbox where event_type = 'file.moved' and event->'data'->>'file_id' = any(${sql.array(files.map((f) => f.id), 'text')})`);
    expect(transactions).toHaveLength(1);
    // Moving them again to where they are changes nothing and writes nothing.
    await alice.call('POST', '/v1/files/bulk-move', { ids: files.map((f) => f.id), folder_id: target.body.id });
    expect(await api.database.pool.oneFirst(sql.unsafe`select count(*)::int from outbox where event_type = 'file.moved' and event->'data'->>'file_id' = ${files[0]!.id}`)).toBe(1);
    await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('a folder or tag filter narrows file events to the files in it or with it', async () => {
    const folder = await alice.call('POST', '/v1/folders', { path: 'reports/2026' });
    const parent = (await alice.call('GET', `/v1/folders/by-path?path=reports`)).body;
    const inFolder = await createEndpoint(alice, { url: `${receiver.url}?f`, event_types: ['file.stored'], folder_id: parent.id });
    const tagged = await createEndpoint(alice, { url: `${receiver.url}?t`, event_types: ['file.stored'], tag: 'Invoices' });
    const deep = await uploadFile(alice, 'reports/2026/q4.pdf', 'q4');
    const outside = await uploadFile(alice, 'elsewhere.txt', 'x');
    const withTag = await uploadFile(alice, 'bill.txt', 'y');
    await alice.call('PATCH', `/v1/files/${withTag.id}`, { tags: ['invoices'] });
    expect(folder.status).toBe(201);
    // The tag is set after file.stored was written but usually before it is dispatched; replay
    // after the fact settles it either way (filters are read at dispatch time).
    await alice.call('POST', `/v1/webhooks/${tagged.id}/replay`, { since: new Date(clock.now().getTime() - 60_000).toISOString() });
    await receiver.waitFor((all) => all.some((r) => r.event.data.file_id === deep.id));
    await expect.poll(async () => (await deliveriesOf(alice, tagged.id)).map((d) => d.status)).toEqual(['delivered']);
    expect((await deliveriesOf(alice, inFolder.id)).length).toBe(1);
    const folderLog = await deliveriesOf(alice, inFolder.id);
    const tagLog = await deliveriesOf(alice, tagged.id);
    const eventsOf = async (fileId: string) =>
      (await api.database.pool.anyFirst(sql.unsafe`select event_id::text from outbox where event->'data'->>'file_id' = ${fileId}`)) as string[];
    expect(folderLog.map((d) => d.event_id)).toEqual(await eventsOf(deep.id));
    expect(tagLog.map((d) => d.event_id)).toEqual(await eventsOf(withTag.id));
    expect(folderLog.concat(tagLog).map((d) => d.event_id)).not.toContain((await eventsOf(outside.id))[0]);
    await alice.call('DELETE', `/v1/webhooks/${inFolder.id}`);
    await alice.call('DELETE', `/v1/webhooks/${tagged.id}`);
  });

  test('replay re-sends one event, or every event since a time, with the same webhook-ids', async () => {
    const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });
    const since = new Date(clock.now().getTime() - 1000).toISOString();
    const files = [await uploadFile(alice, 'r1.txt', '1'), await uploadFile(alice, 'r2.txt', '2')];
    const firstIds = (await receiver.waitFor((all) => files.every((f) => ofFile(f.id)(all).length === 1))).filter((r) =>
      files.some((f) => r.event.data.file_id === f.id),
    ).map((r) => r.id);
    expect(firstIds).toHaveLength(2);

    const one = await alice.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { event_id: firstIds[0] });
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ replayed: 1 });
    await receiver.waitFor((all) => all.filter((r) => r.id === firstIds[0]).length === 2);

    const all = await alice.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { since });
    expect(all.body.replayed).toBeGreaterThanOrEqual(2);
    const got = await receiver.waitFor((r) => firstIds.every((id) => r.filter((x) => x.id === id).length >= 2) && r.filter((x) => x.id === firstIds[0]).length >= 3);
    for (const id of firstIds) for (const copy of got.filter((r) => r.id === id)) expect(copy.event.id).toBe(id);

    const foreign = await alice.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { event_id: '0190a0a0-0000-7000-8000-0000000000e1' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('webhook_event_not_found');
    await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('after a rotation both secrets sign until the overlap ends, then only the new one', async () => {
    const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });
    const rotated = await alice.call('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`, { overlap_seconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const during = await uploadFile(alice, 'during.txt', 'd');
    const [duringDelivery] = ofFile(during.id)(await receiver.waitFor((all) => ofFile(during.id)(all).length === 1));
    expect(String(duringDelivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(duringDelivery!, rotated.body.secret)).toBe(true);
    expect(verifies(duringDelivery!, endpoint.secret)).toBe(true);

    offsetMs += 601_000;
    const after = await uploadFile(alice, 'after.txt', 'a');
    const [afterDelivery] = ofFile(after.id)(await receiver.waitFor((all) => ofFile(after.id)(all).length === 1));
    expect(String(afterDelivery!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(afterDelivery!, rotated.body.secret)).toBe(true);
    expect(verifies(afterDelivery!, endpoint.secret)).toBe(false);
    await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
  });
});

describe('tenant isolation', () => {
  test('another account cannot read, change, replay, rotate or delete an endpoint, nor hear its events', async () => {
    const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });
    const bobs = await createEndpoint(bob, { url: `${receiver.url}?bob`, event_types: ['file.stored'] });
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${endpoint.id}`, undefined],
      ['PATCH', `/v1/webhooks/${endpoint.id}`, { enabled: false }],
      ['GET', `/v1/webhooks/${endpoint.id}/deliveries`, undefined],
      ['POST', `/v1/webhooks/${endpoint.id}/replay`, { since: '2020-01-01T00:00:00Z' }],
      ['POST', `/v1/webhooks/${endpoint.id}/rotate-secret`, {}],
      ['DELETE', `/v1/webhooks/${endpoint.id}`, undefined],
    ] as const) {
      const answer = await bob.call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.code).toBe('webhook_not_found');
    }
    expect((await bob.call('GET', '/v1/webhooks')).body.items.map((w: { id: string }) => w.id)).toEqual([bobs.id]);

    const file = await uploadFile(alice, 'alice-only.txt', 'mine');
    await receiver.waitFor((all) => ofFile(file.id)(all).length >= 1);
    // Bob's replay of everything since long ago reaches only his own events.
    const replay = await bob.call('POST', `/v1/webhooks/${bobs.id}/replay`, { since: '2020-01-01T00:00:00Z' });
    expect(replay.status).toBe(202);
    const bobLog = await deliveriesOf(bob, bobs.id);
    const aliceEvent = await api.database.pool.oneFirst(sql.unsafe`select event_id::text from outbox where event->'data'->>'file_id' = ${file.id}`);
    expect(bobLog.map((d) => d.event_id)).not.toContain(aliceEvent);
    // And Bob cannot replay Alice's event by id into his own endpoint.
    const stolen = await bob.call('POST', `/v1/webhooks/${bobs.id}/replay`, { event_id: aliceEvent });
    expect(stolen.body.code).toBe('webhook_event_not_found');
    await alice.call('DELETE', `/v1/webhooks/${endpoint.id}`);
    await bob.call('DELETE', `/v1/webhooks/${bobs.id}`);
  });
});
