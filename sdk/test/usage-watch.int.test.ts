// usage.watch against the real API (metering folding in-process): the current numbers at once, an
// update within a second of an upload and of a delete, a resumed watch, the end on abort, and a
// refused credential ending the iteration with its typed error.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthenticationError, Baketsu, type UsageUpdate } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
beforeAll(async () => {
  t = await startSdkTestApi('local', { metering: true });
});
afterAll(async () => t?.stop());

/** Runs a watch in the background, collecting its updates, until `stop`. */
function watching(client: Baketsu, lastEventId?: string) {
  const controller = new AbortController();
  const updates: Array<UsageUpdate & { at: number }> = [];
  let wake: (() => void) | undefined;
  const done = (async () => {
    for await (const update of client.usage.watch({ signal: controller.signal, ...(lastEventId ? { lastEventId } : {}) })) {
      updates.push({ ...update, at: performance.now() });
      wake?.();
    }
  })();
  const until = (matches: (update: UsageUpdate) => boolean, timeoutMs = 3_000) =>
    new Promise<UsageUpdate & { at: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching usage update in time')), timeoutMs);
      const check = () => {
        const found = updates.find(matches);
        if (found) {
          clearTimeout(timer);
          wake = undefined;
          resolve(found);
        }
      };
      wake = check;
      check();
    });
  return { updates, until, done, stop: () => controller.abort() };
}

it('yields the current usage, then an update within a second of an upload and of a delete, and ends on abort', async () => {
  const watch = watching(t.client);
  const first = await watch.until(() => true);
  expect(first.usage.file_count).toBe(0);
  const uploadedAt = performance.now();
  const file = await t.client.files.upload(new TextEncoder().encode('watch me grow'), { name: 'watched.txt', contentType: 'text/plain' });
  const stored = await watch.until((update) => update.usage.file_count === 1);
  // Measured from the start of the upload (presign, PUT, complete), so a little over complete's second.
  expect(stored.at - uploadedAt).toBeLessThan(1_500);
  expect(stored.usage.stored_bytes).toBe(13);

  const deletedAt = performance.now();
  await t.client.files.delete(file.id);
  const deleted = await watch.until((update) => update.usage.file_count === 0 && update.id !== first.id);
  expect(deleted.at - deletedAt).toBeLessThan(1_000);
  watch.stop();
  // The iteration ends without an error.
  await expect(watch.done).resolves.toBeUndefined();
});

it('a watch given the last id it saw starts with the numbers as they are now', async () => {
  const before = watching(t.client);
  const seen = await before.until(() => true);
  before.stop();
  await before.done;
  await t.client.files.upload(new TextEncoder().encode('while nobody watched'), { name: 'unwatched.txt', contentType: 'text/plain' });
  const after = watching(t.client, seen.id);
  const current = await after.until((update) => update.usage.file_count === seen.usage.file_count + 1, 5_000);
  expect(current.id).not.toBe(seen.id);
  after.stop();
  await after.done;
});

it('works with an access token too, and ends with AuthenticationError for a bad one', async () => {
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: async () => t.accessToken });
  const watch = watching(session);
  expect((await watch.until(() => true)).usage.file_count).toBeGreaterThanOrEqual(0);
  watch.stop();
  await watch.done;
  const forged = new Baketsu({ baseUrl: t.api.url, accessToken: 'not-a-token' });
  await expect(forged.usage.watch().next()).rejects.toBeInstanceOf(AuthenticationError);
});
