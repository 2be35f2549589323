// Billing of an account being deleted ends at the deletion instant whoever deletes its files: the
// deletion job does, but so can anything that reaches them before it (a lifecycle run, a storage
// removal notice), and those run later than the instant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectRemoved } from '#src/files/storage-events.js';
import { signUp, uploadFile } from '#src/files/testing/files-test-kit.js';
import { runLifecycle } from '#src/lifecycle/lifecycle-executor.js';
import { DAY_MS, deletedEvents, executorDeps, testClock } from '#src/lifecycle/testing/lifecycle-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

// Whole milliseconds off a second, so an off-by-one anywhere shows.
const clock = testClock(Math.floor(Date.now() / 1000) * 1000 - 30 * DAY_MS + 123);
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ clock, env: { ADOPT_AFTER_SECONDS: '3600' } });
});
afterAll(async () => {
  await api?.stop();
});

async function deleteAccount(token: string): Promise<number> {
  const response = await fetch(`${api.url}/v1/me/delete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ password: 'correct horse battery staple' }),
  });
  expect(response.status).toBe(202);
  return Date.parse(((await response.json()) as { deletion_requested_at: string }).deletion_requested_at);
}

describe('files of an account being deleted', () => {
  it('are billed to the deletion instant when a lifecycle run or a removal notice deletes them before the job', async () => {
    const alice = await signUp(api.url);
    const accountId = (await alice.call('GET', '/v1/me')).body.id as string;
    expect((await alice.call('POST', '/v1/lifecycle-rules', { name: 'old', action: 'delete_older_than', days: 1, tag: 'tmp' })).status).toBe(201);
    const byRule = await uploadFile(alice, 'old.txt', 'x'.repeat(1000));
    expect((await alice.call('PATCH', `/v1/files/${byRule.id}`, { tags: ['tmp'] })).status).toBe(200);
    const byNotice = await uploadFile(alice, 'gone.txt', 'y'.repeat(10));
    clock.advance(60_000 + 7);
    const deletionInstant = await deleteAccount(alice.token);
    expect(deletionInstant).toBe(clock.ms());

    // Two days on, before the deletion job ever ran: the rule's run and a removal notice come first.
    clock.advance(2 * DAY_MS + 13);
    expect((await runLifecycle(executorDeps(api, clock))).deletedFiles).toBe(1);
    // Only the other file's object is left; an operator removes it behind the API's back.
    const objects = (await api.objectStore.listObjects(`${accountId}/`, { limit: 10 })).objects.map((object) => object.key);
    expect(objects).toHaveLength(1);
    const noticeKey = objects[0]!;
    await api.objectStore.deleteObject(noticeKey);
    expect(await objectRemoved(executorDeps(api, clock), noticeKey)).toBe(true);

    const events = await deletedEvents(api, accountId);
    expect(events.map((event) => event.file_id).sort()).toEqual([byRule.id, byNotice.id].sort());
    for (const event of events) expect(event.deleted_at).toBe(new Date(deletionInstant).toISOString());
  });
});
