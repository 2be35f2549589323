import { randomBytes } from 'node:crypto';
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestBucket, sha256Hex, signUp, uploadFile, type Client, type TestBucket } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { expectProblem, publicDownload, share } from './testing/share-test-kit.js';

const modes: Array<[string, () => Promise<TestBucket | undefined>]> = [
  ['local disk', async () => undefined],
  ['S3 (versitygw)', () => createTestBucket()],
];

describe.each(modes)('downloads through a link, %s', (_mode, makeBucket) => {
  let bucket: TestBucket | undefined;
  let api: TestApi;
  let alice: Client;
  const bytes = randomBytes(100_000);
  let file: { id: string; size: number };

  beforeAll(async () => {
    bucket = await makeBucket();
    api = await startTestApi({ env: bucket?.env ?? {} });
    alice = await signUp(api.url);
    file = await uploadFile(alice, 'photo "1".png', bytes, 'image/png');
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const sharedEvents = (shareId: string) =>
    api.database.pool.any(sql.unsafe`
      select event_type, account_id, event from outbox where event_type = 'share.downloaded' and event->'data'->>'share_id' = ${shareId}
      order by position`);

  test('serves the exact bytes under the file name, and records each download with its bytes', async () => {
    const link = await share(alice, file.id);
    const download = await publicDownload(api.url, link.token);
    expect(download.status).toBe(200);
    const fetched = await fetch(download.body.url);
    expect(fetched.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(bytes));
    expect(fetched.headers.get('content-disposition')).toContain('attachment');
    expect(Date.parse(download.body.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    await publicDownload(api.url, link.token);

    const owner = (await alice.call('GET', `/v1/shares/${link.id}`)).body;
    expect(owner).toMatchObject({ download_count: 2, bytes_served: 2 * bytes.length });
    const events = await sharedEvents(link.id);
    expect(events).toHaveLength(2);
    const me = (await alice.call('GET', '/v1/me')).body;
    for (const row of events) {
      const event = row.event as { type: string; subject: string; time: string; data: Record<string, unknown> };
      expect(row.account_id).toBe(me.id);
      expect(event).toMatchObject({ specversion: '1.0', type: 'share.downloaded', subject: me.id, dataschema: 'https://baketsu.dev/schemas/events/share.downloaded/v1' });
      expect(event.data).toEqual({ share_id: link.id, file_id: file.id, account_id: me.id, size_bytes: bytes.length, downloaded_at: event.time });
    }
    expect((events[1]!.event as { time: string }).time).toBe(owner.last_download_at);
  });

  test('of two concurrent requests for the last download, exactly one gets it', async () => {
    for (let round = 0; round < 3; round++) {
      const link = await share(alice, file.id, { max_downloads: 1 });
      const answers = await Promise.all(Array.from({ length: 8 }, () => publicDownload(api.url, link.token)));
      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of answers.filter((a) => a.status !== 200)) expectProblem(loser, 410, 'share_exhausted');
      expect((await alice.call('GET', `/v1/shares/${link.id}`)).body).toMatchObject({ download_count: 1, bytes_served: bytes.length, status: 'exhausted' });
      expect(await sharedEvents(link.id)).toHaveLength(1);
    }
  });

  test('a link with room for three, asked twenty times at once, serves three', async () => {
    const link = await share(alice, file.id, { max_downloads: 3 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => publicDownload(api.url, link.token)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.download_count).toBe(3);
    expect(await sharedEvents(link.id)).toHaveLength(3);
  });
});

describe('metering reads past share.downloaded', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.stop());

  const snapshot = async () => ({
    usage: await api.database.pool.any(sql.unsafe`select * from metering.account_usage order by account_id`),
    families: await api.database.pool.any(sql.unsafe`select * from metering.account_families order by account_id, family`),
    intervals: await api.database.pool.any(sql.unsafe`select * from metering.file_intervals order by file_id`),
    days: await api.database.pool.any(sql.unsafe`select * from metering.account_days order by account_id, day`),
  });

  test('usage is exactly what the file events make it, and nothing is dead-lettered', async () => {
    const metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
    const alice = await signUp(api.url);
    const file = await uploadFile(alice, 'metered.bin', randomBytes(4096), 'application/octet-stream');
    await metering.drain();
    const before = await snapshot();
    expect(before.usage).toHaveLength(1);

    const link = await share(alice, file.id);
    for (let i = 0; i < 5; i++) expect((await publicDownload(api.url, link.token)).status).toBe(200);
    expect(await metering.drain()).toBe(5);
    expect(await snapshot()).toEqual(before);
    expect(await api.database.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters`)).toBe(0);
    // The cursor moved past them: nothing is read twice.
    expect(await metering.drain()).toBe(0);
    await metering.stop();
  });
});
