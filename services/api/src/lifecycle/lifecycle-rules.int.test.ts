// Lifecycle rules against the real database: a rule deletes exactly the files it matches (folder
// subtree, tag, age, not downloaded), each once with its own file.deleted event; the dry run shows
// what the run then deletes; the savings equal the ledger's difference to the byte-millisecond; one
// account's rule never touches another's files.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import { byteMsBetween } from '@baketsu/metering/read-model';
import { estimateMonthlyCost, utcMonth } from '@baketsu/billing-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { publicDownload, share } from '#src/shares/testing/share-test-kit.js';
import { runLifecycle } from './lifecycle-executor.js';
import { DAY_MS, deletedEvents, executorDeps, longLivedClient, sorted, storedIds, testClock } from './testing/lifecycle-test-kit.js';

// Whole milliseconds off a second, so an off-by-one anywhere shows.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 30 * DAY_MS + 123;
const clock = testClock(T0);

describe('lifecycle rules', () => {
  let api: TestApi;
  let metering: EmbeddedMetering;
  let alice: Client & { accountId: string };
  let bob: Client & { accountId: string };
  const files: Record<string, { id: string; size: number; folder_id: string | null }> = {};
  const run = () => runLifecycle(executorDeps(api, clock));

  beforeAll(async () => {
    api = await startTestApi({ clock });
    metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
    [alice, bob] = await Promise.all([longLivedClient(api.url), longLivedClient(api.url)]);
    // Old files, at T0.
    for (const path of ['archive/a.txt', 'archive/old/b.txt', 'archived/x.txt', 'keep/c.txt', 'd.txt', 'archive/e.txt']) {
      files[path] = await uploadFile(alice, path, `bytes of ${path} `.repeat(7));
    }
    for (const name of ['p.txt', 'q.txt', 'r.txt', 's.txt']) files[`bob/${name}`] = await uploadFile(bob, name, `bob's ${name}`.repeat(3));
    for (const path of ['d.txt', 'archive/e.txt']) expect((await alice.call('PATCH', `/v1/files/${files[path]!.id}`, { tags: ['Tmp '] })).status).toBe(200);
    // Five days on, two of bob's files are downloaded: by their owner, and through a share link.
    clock.advance(5 * DAY_MS);
    expect((await bob.call('GET', `/v1/files/${files['bob/p.txt']!.id}/download`)).status).toBe(200);
    const link = await share(bob, files['bob/q.txt']!.id);
    expect((await publicDownload(api.url, link.token)).status).toBe(200);
    // Ten days on, young files.
    clock.advance(5 * DAY_MS);
    files['archive/young.txt'] = await uploadFile(alice, 'archive/young.txt');
    files['f.txt'] = await uploadFile(alice, 'f.txt');
    expect((await alice.call('PATCH', `/v1/files/${files['f.txt']!.id}`, { tags: ['tmp'] })).status).toBe(200);
    files['bob/w.txt'] = await uploadFile(bob, 'w.txt');
    await metering.drain();
  });
  afterAll(async () => {
    await metering?.stop();
    await api?.stop();
  });

  const ids = (...paths: string[]) => sorted(paths.map((path) => files[path]!.id));

  test('refuses a rule that does not fit its action, each with its own code', async () => {
    const missing = await alice.call('POST', '/v1/lifecycle-rules', { name: 'no days', action: 'delete_older_than' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'invalid_lifecycle_rule', errors: [{ path: '/body/days' }] });
    const stray = await alice.call('POST', '/v1/lifecycle-rules', { name: 'uploads', action: 'abort_uploads', hours: 2, tag: 'x' });
    expect(stray.body).toMatchObject({ status: 422, code: 'invalid_lifecycle_rule', errors: [{ path: '/body/tag' }] });
    const zero = await alice.call('POST', '/v1/lifecycle-rules', { name: 'zero', action: 'delete_older_than', days: 0 });
    expect(zero.body).toMatchObject({ status: 400, code: 'validation_failed' });
    const tag = await alice.call('POST', '/v1/lifecycle-rules/dry-run', { name: 'tag', action: 'delete_older_than', days: 1, tag: '#x' });
    expect(tag.body).toMatchObject({ status: 400, code: 'invalid_tags' });
    const folder = await alice.call('POST', '/v1/lifecycle-rules/dry-run', { name: 'x', action: 'delete_older_than', days: 1, folder_id: '0190a1b2-0000-7000-8000-000000000000' });
    expect(folder.body).toMatchObject({ status: 404, code: 'folder_not_found' });
    const first = await alice.call('POST', '/v1/lifecycle-rules', { name: 'stale uploads', action: 'abort_uploads', hours: 48, enabled: false });
    expect(first.status).toBe(201);
    const second = await alice.call('POST', '/v1/lifecycle-rules', { name: 'again', action: 'abort_uploads', hours: 4 });
    expect(second.body).toMatchObject({ status: 409, code: 'lifecycle_rule_conflict' });
    expect((await alice.call('DELETE', `/v1/lifecycle-rules/${first.body.id}`)).status).toBe(204);
  });

  test('a folder rule deletes the old files of its subtree only, as its dry run said, each once, and saves what the ledger says', async () => {
    const body = { name: 'old archive', action: 'delete_older_than', days: 7, folder_id: files['archive/a.txt']!.folder_id };
    const preview = await alice.call('POST', '/v1/lifecycle-rules/dry-run', body);
    expect(preview.status).toBe(200);
    const expected = ids('archive/a.txt', 'archive/old/b.txt', 'archive/e.txt');
    expect(sorted(preview.body.items.map((item: { id: string }) => item.id))).toEqual(expected);
    const bytes = ['archive/a.txt', 'archive/old/b.txt', 'archive/e.txt'].reduce((sum, path) => sum + files[path]!.size, 0);
    expect(preview.body).toMatchObject({ count: 3, bytes, evaluated_at: clock.now().toISOString() });
    expect(preview.body.items[0]).toMatchObject({ kind: 'file', path: 'archive/a.txt', last_downloaded_at: null });

    const month = utcMonth(clock.ms());
    const keptByteMs = await byteMsBetween(api.database.pool, alice.accountId, month.startMs, month.endMs);
    const created = await alice.call('POST', '/v1/lifecycle-rules', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ folder_path: 'archive', enabled: true, last_run: null, this_month: { deleted_files: 0, saved_byte_ms: '0' } });
    const deletedAt = clock.ms();
    expect(await run()).toEqual({ runs: 1, deletedFiles: 3, abortedUploads: 0 });

    const events = await deletedEvents(api, alice.accountId);
    expect(sorted(events.map((event) => event.file_id))).toEqual(expected);
    expect(new Set(events.map((event) => event.deleted_at))).toEqual(new Set([new Date(deletedAt).toISOString()]));
    expect(await storedIds(api, alice.accountId)).toEqual(ids('archived/x.txt', 'keep/c.txt', 'd.txt', 'archive/young.txt', 'f.txt'));

    // Run again: nothing left to delete, nothing deleted twice.
    clock.advance(60_000);
    expect(await run()).toEqual({ runs: 1, deletedFiles: 0, abortedUploads: 0 });
    expect(await deletedEvents(api, alice.accountId)).toHaveLength(3);

    await metering.drain();
    const actualByteMs = await byteMsBetween(api.database.pool, alice.accountId, month.startMs, month.endMs);
    const rule = (await alice.call('GET', `/v1/lifecycle-rules/${created.body.id}`)).body;
    const saved = keptByteMs - actualByteMs;
    expect(saved).toBe(BigInt(bytes) * BigInt(month.endMs - deletedAt));
    expect(rule.this_month).toEqual({
      month: new Date(month.startMs).toISOString().slice(0, 7),
      deleted_files: 3,
      deleted_bytes: bytes,
      saved_byte_ms: saved.toString(),
      saved: estimateMonthlyCost({ byteMsMonthToDate: saved, storedBytes: 0n, now: month.startMs, price: { perGibMonth: api.config.PRICE_PER_GIB_MONTH, currency: api.config.CURRENCY } }),
    });
    expect(rule.last_run).toMatchObject({ status: 'finished', deleted_files: 0 });
    const runs = (await alice.call('GET', `/v1/lifecycle-rules/${created.body.id}/runs`)).body.items;
    expect(runs.map((r: { deleted_files: number }) => r.deleted_files)).toEqual([0, 3]);
    const deletions = (await alice.call('GET', `/v1/lifecycle-rules/${created.body.id}/deletions?limit=2`)).body;
    expect(deletions.items).toHaveLength(2);
    const rest = (await alice.call('GET', `/v1/lifecycle-rules/${created.body.id}/deletions?limit=2&cursor=${deletions.next_cursor}`)).body;
    expect(sorted([...deletions.items, ...rest.items].map((item: { file_id: string }) => item.file_id))).toEqual(expected);
    expect(rest.items[0]).toMatchObject({ run_id: runs[1].id, deleted_at: new Date(deletedAt).toISOString() });
  });

  test('a tag rule deletes old files carrying the tag; a disabled rule deletes nothing', async () => {
    const body = { name: 'temporary', action: 'delete_older_than', days: 7, tag: 'TMP' };
    const preview = (await alice.call('POST', '/v1/lifecycle-rules/dry-run', body)).body;
    expect(preview.items.map((item: { id: string }) => item.id)).toEqual(ids('d.txt'));
    const disabled = await alice.call('POST', '/v1/lifecycle-rules', { ...body, enabled: false });
    expect(disabled.body.tag).toBe('tmp');
    expect(await run()).toMatchObject({ deletedFiles: 0 });
    expect((await alice.call('PATCH', `/v1/lifecycle-rules/${disabled.body.id}`, { enabled: true, name: 'tmp files' })).body).toMatchObject({ enabled: true, name: 'tmp files' });
    expect(await run()).toMatchObject({ deletedFiles: 1 });
    expect(await storedIds(api, alice.accountId)).toEqual(ids('archived/x.txt', 'keep/c.txt', 'archive/young.txt', 'f.txt'));
  });

  test('a not-downloaded rule spares files downloaded by their owner or through a link', async () => {
    const body = { name: 'unused', action: 'delete_not_downloaded', days: 7 };
    const preview = (await bob.call('POST', '/v1/lifecycle-rules/dry-run', body)).body;
    const expected = ids('bob/r.txt', 'bob/s.txt');
    expect(sorted(preview.items.map((item: { id: string }) => item.id))).toEqual(expected);
    expect((await bob.call('POST', '/v1/lifecycle-rules', body)).status).toBe(201);
    await run();
    expect(sorted((await deletedEvents(api, bob.accountId)).map((event) => event.file_id))).toEqual(expected);
    expect(await storedIds(api, bob.accountId)).toEqual(ids('bob/p.txt', 'bob/q.txt', 'bob/w.txt'));
  });

  test("a rule never reads or touches another account's files or rules", async () => {
    const carol = await longLivedClient(api.url);
    const before = { alice: await storedIds(api, alice.accountId), bob: await storedIds(api, bob.accountId) };
    const everything = await carol.call('POST', '/v1/lifecycle-rules', { name: 'all', action: 'delete_older_than', days: 1 });
    expect(everything.status).toBe(201);
    expect((await carol.call('POST', '/v1/lifecycle-rules/dry-run', { name: 'all', action: 'delete_not_downloaded', days: 1 })).body).toMatchObject({ count: 0, items: [] });
    await run();
    expect({ alice: await storedIds(api, alice.accountId), bob: await storedIds(api, bob.accountId) }).toEqual(before);

    const alicesRule = (await alice.call('GET', '/v1/lifecycle-rules')).body.items[0].id as string;
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['GET', '/runs'], ['GET', '/deletions']] as const) {
      const answer = await carol.call(method, `/v1/lifecycle-rules/${alicesRule}${path}`, method === 'PATCH' ? { enabled: false } : undefined);
      expect(answer.body).toMatchObject({ status: 404, code: 'lifecycle_rule_not_found' });
    }
    const folder = await carol.call('POST', '/v1/lifecycle-rules', { name: 'x', action: 'delete_older_than', days: 1, folder_id: files['keep/c.txt']!.folder_id });
    expect(folder.body).toMatchObject({ status: 404, code: 'folder_not_found' });
    expect((await carol.call('GET', '/v1/lifecycle-rules')).body.items.map((rule: { id: string }) => rule.id)).toEqual([everything.body.id]);
  });
});
