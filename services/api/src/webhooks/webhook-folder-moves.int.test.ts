// folder.moved against the real app, a real receiver and metering's real fold: one event per folder
// rename or move (never one per file inside), delivered once with its from/to; folder filters take it
// when the moved folder is the filter folder or inside it, before or after the move, tag filters
// never; a recursive delete still reports each file; and billing reads past it.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import { cumulativeByteMs } from '@baketsu/metering/read-model';
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, startWebhookReceiver, type ReceivedWebhook, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { createEndpoint, deleteAllEndpoints, deliveriesOf, verifies } from './testing/webhook-test-kit.js';

let api: TestApi;
let alice: Client;
let bob: Client;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [api, receiver] = await Promise.all([startTestApi({ env: { WEBHOOK_POLL_MS: '20' } }), startWebhookReceiver()]);
  [alice, bob] = await Promise.all([signUp(api.url), signUp(api.url)]);
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});
afterEach(() => deleteAllEndpoints([alice, bob]));

const folderAt = async (client: Client, path: string): Promise<{ id: string; path: string }> => {
  const created = await client.call('POST', '/v1/folders', { path });
  if (created.status === 201) return created.body;
  return (await client.call('GET', `/v1/folders/by-path?path=${encodeURIComponent(path)}`)).body;
};
const moveFolder = async (client: Client, id: string, change: { name?: string; parent_id?: string | null }) => {
  const answer = await client.call('PATCH', `/v1/folders/${id}`, change);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { id: string; path: string };
};
const movesOf = (folderId: string) => (received: readonly ReceivedWebhook[]) =>
  received.filter((r) => r.event.type === 'folder.moved' && r.event.data.folder_id === folderId);
const outboxEvents = (type: string, key: 'folder_id' | 'file_id', ids: readonly string[]) =>
  api.database.pool.anyFirst(sql.unsafe`
    select event_id::text from outbox where event_type = ${type} and event->'data'->>${key} = any(${sql.array([...ids], 'text')})
    order by position`) as Promise<readonly string[]>;

describe('folder.moved', () => {
  test('a rename and a move are delivered once each with where the folder was and is, one event however many files are inside', async () => {
    const endpoint = await createEndpoint(alice, { url: receiver.url, event_types: ['folder.moved', 'file.moved'] });
    const bobs = await createEndpoint(bob, { url: `${receiver.url}?bob`, event_types: ['folder.moved'] });
    const docs = await folderAt(alice, 'fm-docs');
    const archive = await folderAt(alice, 'fm-archive');
    const files = [await uploadFile(alice, 'fm-docs/a.txt', 'a'), await uploadFile(alice, 'fm-docs/deep/b.txt', 'b')];

    await moveFolder(alice, docs.id, { name: 'fm-papers' });
    const moved = await moveFolder(alice, docs.id, { parent_id: archive.id });
    expect(moved.path).toBe('fm-archive/fm-papers');
    // The same place again is no change and writes nothing.
    await moveFolder(alice, docs.id, { parent_id: archive.id, name: 'fm-papers' });

    const got = movesOf(docs.id)(await receiver.waitFor((all) => movesOf(docs.id)(all).length >= 2));
    const from = (path: string) => got.find((r) => (r.event.data.from as { path: string }).path === path);
    const [rename, move] = [from('fm-docs'), from('fm-papers')];
    expect(rename!.event.data).toMatchObject({
      folder_id: docs.id,
      from: { parent_id: null, name: 'fm-docs', path: 'fm-docs' },
      to: { parent_id: null, name: 'fm-papers', path: 'fm-papers' },
    });
    expect(move!.event.data).toMatchObject({
      folder_id: docs.id,
      from: { parent_id: null, name: 'fm-papers', path: 'fm-papers' },
      to: { parent_id: archive.id, name: 'fm-papers', path: 'fm-archive/fm-papers' },
    });
    for (const delivery of got) {
      expect(verifies(delivery, endpoint.secret)).toBe(true);
      expect(delivery.id).toBe(delivery.event.id);
      expect(Date.parse(String(delivery.event.data.moved_at))).toBe(Date.parse(delivery.event.timestamp));
    }
    // Exactly two events were written, each delivered once; the files inside got none of their own.
    expect(await outboxEvents('folder.moved', 'folder_id', [docs.id])).toEqual([rename!.id, move!.id]);
    expect(await outboxEvents('file.moved', 'file_id', files.map((f) => f.id))).toEqual([]);
    await expect.poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(movesOf(docs.id)(receiver.received)).toHaveLength(2);
    // Another account's endpoint hears nothing of it.
    expect(await deliveriesOf(bob, bobs.id)).toEqual([]);
  });

  test('a folder filter takes the moves of that folder, of folders inside it (before or after) and of folders holding it; a tag filter takes none', async () => {
    const project = await folderAt(alice, 'ff-project');
    const inner = await folderAt(alice, 'ff-project/inner');
    const outside = await folderAt(alice, 'ff-outside/coming-in');
    const unrelated = await folderAt(alice, 'ff-unrelated');
    const nested = await folderAt(alice, 'ff-outer/ff-watched');
    const inFolder = await createEndpoint(alice, { url: `${receiver.url}?folder`, event_types: ['folder.moved'], folder_id: project.id });
    const tagged = await createEndpoint(alice, { url: `${receiver.url}?tag`, event_types: ['folder.moved'], tag: 'reports' });
    const both = await createEndpoint(alice, { url: `${receiver.url}?both`, event_types: ['folder.moved'], folder_id: project.id, tag: 'reports' });
    const watchingNested = await createEndpoint(alice, { url: `${receiver.url}?nested`, event_types: ['folder.moved'], folder_id: nested.id });

    // Not taken: outside before and after.
    await moveFolder(alice, unrelated.id, { name: 'ff-unrelated-2' });
    // Taken by the endpoint watching ff-outer/ff-watched alone: its filter folder moves with its parent.
    const outer = (await alice.call('GET', '/v1/folders/by-path?path=ff-outer')).body;
    await moveFolder(alice, outer.id, { name: 'ff-outer-2' });
    // Taken: inside before and after; outside before, inside after; inside before, outside after;
    // and the filter folder itself. The last one is awaited, so every earlier one was fanned out.
    await moveFolder(alice, inner.id, { name: 'inner-renamed' });
    await moveFolder(alice, outside.id, { parent_id: project.id });
    await moveFolder(alice, inner.id, { parent_id: null, name: 'ff-left' });
    await moveFolder(alice, project.id, { name: 'ff-project-2' });
    const takenFolders = [inner.id, outside.id, inner.id, project.id];
    await receiver.waitFor((all) => movesOf(project.id)(all).length >= 1);

    const expected = await outboxEvents('folder.moved', 'folder_id', [inner.id, outside.id, project.id]);
    expect(expected).toHaveLength(takenFolders.length);
    await expect.poll(async () => (await deliveriesOf(alice, inFolder.id)).map((d) => d.event_id).sort()).toEqual([...expected].sort());
    const notTaken = await outboxEvents('folder.moved', 'folder_id', [unrelated.id]);
    expect(notTaken).toHaveLength(1);
    const outerMoves = await outboxEvents('folder.moved', 'folder_id', [outer.id]);
    expect(outerMoves).toHaveLength(1);
    await expect.poll(async () => (await deliveriesOf(alice, watchingNested.id)).map((d) => d.event_id)).toEqual(outerMoves);
    expect(await deliveriesOf(alice, tagged.id)).toEqual([]);
    expect(await deliveriesOf(alice, both.id)).toEqual([]);

    // Replay of everything since long ago follows the same filters.
    const since = '2020-01-01T00:00:00Z';
    expect((await alice.call('POST', `/v1/webhooks/${inFolder.id}/replay`, { since })).body).toEqual({ replayed: expected.length });
    expect((await alice.call('POST', `/v1/webhooks/${tagged.id}/replay`, { since })).body).toEqual({ replayed: 0 });
    expect((await alice.call('POST', `/v1/webhooks/${watchingNested.id}/replay`, { since })).body).toEqual({ replayed: 1 });
  });

  test('a recursive delete still reports each file with file.deleted, and writes no folder.moved', async () => {
    const endpoint = await createEndpoint(alice, { url: `${receiver.url}?delete`, event_types: ['file.deleted', 'folder.moved'] });
    const folder = await folderAt(alice, 'rd-gone');
    const files = [await uploadFile(alice, 'rd-gone/1.txt', '1'), await uploadFile(alice, 'rd-gone/x/2.txt', '22'), await uploadFile(alice, 'rd-gone/x/y/3.txt', '333')];
    const deleted = await alice.call('DELETE', `/v1/folders/${folder.id}?recursive=true`);
    expect(deleted.body).toEqual({ deleted_files: 3, deleted_folders: 3 });
    const isDeletionOf = (r: ReceivedWebhook) => r.event.type === 'file.deleted' && files.some((f) => f.id === r.event.data.file_id);
    await receiver.waitFor((all) => files.every((f) => all.some((r) => isDeletionOf(r) && r.event.data.file_id === f.id)));
    await expect.poll(async () => (await deliveriesOf(alice, endpoint.id)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(receiver.received.filter(isDeletionOf).map((r) => r.event.data.file_id).sort()).toEqual(files.map((f) => f.id).sort());
    expect(await outboxEvents('folder.moved', 'folder_id', [folder.id])).toEqual([]);
  });
});

describe('billing', () => {
  let metering: EmbeddedMetering;
  beforeAll(() => {
    metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
  });
  afterAll(async () => {
    await metering?.stop();
  });

  test('metering folds past folder.moved: byte-time and file intervals unchanged, nothing dead-lettered', async () => {
    const carol = await signUp(api.url);
    const accountId: string = (await carol.call('GET', '/v1/me')).body.id;
    const folder = await folderAt(carol, 'billed');
    await uploadFile(carol, 'billed/one.bin', 'x'.repeat(1000));
    await uploadFile(carol, 'billed/sub/two.bin', 'y'.repeat(2500));
    await metering.drain();
    const intervals = () =>
      api.database.pool.any(sql.unsafe`
        select file_id, stored_at_ms, deleted_at_ms, size_bytes from metering.file_intervals where account_id = ${accountId} order by file_id`);
    const t = Date.now() + 60_000;
    const before = { byteMs: await cumulativeByteMs(api.database.pool, accountId, t), intervals: await intervals() };
    expect(before.byteMs).toBeGreaterThan(0n);
    expect(before.intervals).toHaveLength(2);

    await moveFolder(carol, folder.id, { name: 'billed-renamed' });
    const written = await outboxEvents('folder.moved', 'folder_id', [folder.id]);
    expect(written).toHaveLength(1);
    // The fold reads the event (it counts as read) and changes nothing.
    expect(await metering.drain()).toBeGreaterThanOrEqual(1);
    expect(await cumulativeByteMs(api.database.pool, accountId, t)).toBe(before.byteMs);
    expect(await intervals()).toEqual(before.intervals);
    expect(await api.database.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters where raw like ${`%${written[0]}%`}`)).toBe(0);
  });
});
