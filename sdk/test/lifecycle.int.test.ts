// The lifecycle resource against a real API: dryRun, create, list (every page), get, update, runs,
// deletions and delete, with the API's refusals as the SDK's typed errors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError, type LifecycleRule } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
beforeAll(async () => {
  t = await startSdkTestApi('local');
  await t.client.files.upload(new TextEncoder().encode('kept'), { name: 'logs/today.log', contentType: 'text/plain' });
});
afterAll(async () => t?.stop());

it('previews, saves, lists, changes and deletes rules', async () => {
  const folder = await t.client.folders.getByPath('logs');
  const body = { name: 'old logs', action: 'delete_older_than', days: 30, folder_id: folder.id } as const;
  // A file stored just now is not 30 days old: nothing to delete, nothing saved.
  expect(await t.client.lifecycle.dryRun(body)).toMatchObject({ count: 0, bytes: 0, items: [] });

  const made: LifecycleRule[] = [];
  for (const name of ['a', 'b', 'c']) made.push(await t.client.lifecycle.create({ ...body, name }));
  expect(made[0]).toMatchObject({ name: 'a', folder_path: 'logs', enabled: true, last_run: null, this_month: { deleted_files: 0, saved_byte_ms: '0' } });
  const names: string[] = [];
  for await (const rule of t.client.lifecycle.list({ limit: 2 })) names.push(rule.name);
  expect(names).toEqual(['a', 'b', 'c']);

  expect(await t.client.lifecycle.update(made[1]!.id, { enabled: false, name: 'b (off)' })).toMatchObject({ enabled: false, name: 'b (off)' });
  expect((await t.client.lifecycle.get(made[1]!.id)).enabled).toBe(false);
  expect((await t.client.lifecycle.runs(made[0]!.id)).items).toEqual([]);
  expect((await t.client.lifecycle.deletions(made[0]!.id)).items).toEqual([]);

  await t.client.lifecycle.delete(made[2]!.id);
  await expect(t.client.lifecycle.get(made[2]!.id)).rejects.toMatchObject({ constructor: NotFoundError, code: 'lifecycle_rule_not_found' });
});

it('answers a rule that does not fit its action, and a second abort rule, with typed errors', async () => {
  await expect(t.client.lifecycle.create({ name: 'x', action: 'abort_uploads', days: 3 })).rejects.toMatchObject({
    constructor: ValidationError,
    status: 422,
    code: 'invalid_lifecycle_rule',
  });
  await t.client.lifecycle.create({ name: 'uploads', action: 'abort_uploads', hours: 12 });
  await expect(t.client.lifecycle.create({ name: 'again', action: 'abort_uploads', hours: 1 })).rejects.toMatchObject({
    constructor: ConflictError,
    code: 'lifecycle_rule_conflict',
  });
});
