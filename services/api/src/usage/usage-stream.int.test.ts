// The live usage stream against PostgreSQL with metering folding the outbox in-process (as `npm
// start` does): updates within a second of complete and of delete, resume, auth, isolation, the
// per-account limit, one snapshot read per change whatever the number of streams, and cleanup.
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { openUsageStream, type UsageStreamReader } from './testing/usage-stream-reader.js';

const MAX_STREAMS = 30;
let api: TestApi;
let alice: Client;
let bob: Client;
const open: UsageStreamReader[] = [];

async function stream(client: Client | undefined, headers: Record<string, string> = {}): Promise<UsageStreamReader> {
  const reader = await openUsageStream(api.url, client?.token, headers);
  open.push(reader);
  return reader;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

beforeAll(async () => {
  api = await startTestApi({
    env: { USAGE_STREAM_MAX_PER_ACCOUNT: String(MAX_STREAMS), USAGE_STREAM_HEARTBEAT_SECONDS: '1' },
    workers: [({ database }) => startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: 100 })],
  });
  alice = await signUp(api.url);
  bob = await signUp(api.url);
});

afterAll(async () => {
  for (const reader of open) reader.close();
  await api?.stop();
});

describe('GET /v1/dashboard/usage/stream', () => {
  test('answers an event stream that starts with the current usage, the same numbers GET /v1/dashboard/usage answers', async () => {
    const reader = await stream(alice);
    expect(reader.status).toBe(200);
    expect(reader.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(reader.headers.get('cache-control')).toBe('no-cache, no-transform');
    const first = await reader.next();
    expect(first.event).toBe('usage');
    expect(first.id).toMatch(/^\d+-\d+$/);
    expect(first.usage).toMatchObject({ stored_bytes: 0, file_count: 0, cost_month_to_date: { amount: '0.000000', currency: 'usd' } });
    const { stored_bytes, file_count, by_type } = (await alice.call('GET', '/v1/dashboard/usage')).body;
    expect({ stored_bytes, file_count, by_type }).toEqual({ stored_bytes: first.usage.stored_bytes, file_count: first.usage.file_count, by_type: first.usage.by_type });
    expect(reader.retryMs).toBe(2000);
    reader.close();
  });

  test('pushes new numbers within a second of complete and of delete', async () => {
    const reader = await stream(alice);
    const before = await reader.next();
    const completedAt = performance.now();
    const file = await uploadFile(alice, 'live.txt', 'x'.repeat(1000));
    const stored = await reader.waitFor((usage) => usage.file_count === before.usage.file_count + 1, { timeoutMs: 3_000, since: 0 });
    expect(stored.receivedAt - completedAt).toBeLessThan(1_000);
    expect(stored.usage.stored_bytes).toBe(before.usage.stored_bytes + 1000);
    expect(stored.usage.by_type).toContainEqual({ type: 'text', bytes: before.usage.stored_bytes + 1000, files: before.usage.file_count + 1 });

    const since = reader.events.length;
    const deletedAt = performance.now();
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);
    const gone = await reader.waitFor((usage) => usage.file_count === before.usage.file_count, { timeoutMs: 3_000, since });
    expect(gone.receivedAt - deletedAt).toBeLessThan(1_000);
    expect(gone.usage.stored_bytes).toBe(before.usage.stored_bytes);
    // The file held bytes for a while, so the month's byte-time grew.
    expect(BigInt(gone.usage.byte_ms_month_to_date)).toBeGreaterThan(BigInt(before.usage.byte_ms_month_to_date));
    expect(Number(gone.id!.split('-')[1])).toBeGreaterThan(Number(before.id!.split('-')[1]));
  });

  test('a reconnect with Last-Event-ID gets the current numbers at once, changes made while away included', async () => {
    const first = await stream(alice);
    const seen = await first.next();
    first.close();
    await uploadFile(alice, 'while-away.txt', 'away');
    await vi.waitFor(async () => expect((await alice.call('GET', '/v1/dashboard/usage')).body.file_count).toBe(seen.usage.file_count + 1));
    const resumed = await stream(alice, { 'last-event-id': seen.id! });
    expect(resumed.status).toBe(200);
    const current = await resumed.next({ timeoutMs: 1_000 });
    expect(current.usage.file_count).toBe(seen.usage.file_count + 1);
    expect(current.id).not.toBe(seen.id);
  });

  test('refuses a stream without credentials, or with a bad token, as problem+json', async () => {
    const anonymous = await stream(undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(anonymous.problem?.code).toBe('unauthenticated');
    const forged = await openUsageStream(api.url, 'not-a-token');
    expect(forged.status).toBe(401);
  });

  test("one account's stream never carries another account's numbers", async () => {
    const alicesStream = await stream(alice);
    const bobsStream = await stream(bob);
    const alicesFirst = await alicesStream.next();
    const bobsFirst = await bobsStream.next();
    await uploadFile(bob, 'bobs.bin', 'b'.repeat(4321), 'application/octet-stream');
    const bobsUpdate = await bobsStream.waitFor((usage) => usage.file_count === bobsFirst.usage.file_count + 1, { since: 0 });
    expect(bobsUpdate.usage.stored_bytes).toBe(bobsFirst.usage.stored_bytes + 4321);
    // Bob's change sent Alice nothing: any event she gets carries her own, unchanged, totals.
    for (const event of alicesStream.events) expect(event.usage.stored_bytes).toBe(alicesFirst.usage.stored_bytes);
    expect(alicesStream.events.some((event) => event.usage.stored_bytes === bobsUpdate.usage.stored_bytes)).toBe(false);
  });

  test('many streams of one account cost one snapshot read per change, and every stream gets it', async () => {
    const readers = await Promise.all(Array.from({ length: 20 }, () => stream(alice)));
    await Promise.all(readers.map((reader) => reader.next()));
    // Quiet: every stream has its first event and nothing else is in flight.
    const before = await metric('usage_stream_snapshots_total');
    const fileCount = readers[0]!.events.at(-1)!.usage.file_count;
    await uploadFile(alice, 'fan-out.txt', 'fan out');
    await Promise.all(readers.map((reader) => reader.waitFor((usage) => usage.file_count === fileCount + 1, { since: 0 })));
    expect(await metric('usage_stream_snapshots_total')).toBe(before + 1);
    for (const reader of readers) reader.close();
  });

  test(`an account may hold ${MAX_STREAMS} streams; one more is refused with 429 too_many_streams, and closing one frees its place`, async () => {
    const quiet = async () => vi.waitFor(async () => expect(await metric('usage_streams_open')).toBe(0));
    for (const reader of open) reader.close();
    await quiet();
    const readers = await Promise.all(Array.from({ length: MAX_STREAMS }, () => stream(alice)));
    expect(readers.every((reader) => reader.status === 200)).toBe(true);
    const refused = await stream(alice);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.problem?.code).toBe('too_many_streams');
    // Another account is not affected.
    expect((await stream(bob)).status).toBe(200);
    readers[0]!.close();
    await vi.waitFor(async () => expect((await stream(alice)).status).toBe(200));
  });

  test('a client that disconnects is forgotten: its stream no longer counts and nothing is written to it', async () => {
    for (const reader of open) reader.close();
    await vi.waitFor(async () => expect(await metric('usage_streams_open')).toBe(0));
    const reader = await stream(alice);
    await reader.next();
    expect(await metric('usage_streams_open')).toBe(1);
    reader.close();
    await vi.waitFor(async () => expect(await metric('usage_streams_open')).toBe(0));
    // A change after the disconnect reads nothing for nobody. Bob's change is folded (and so
    // notified) after Alice's, so once his stream has it, hers has been heard and ignored.
    const bobs = await stream(bob);
    const bobsFirst = await bobs.next();
    const snapshots = await metric('usage_stream_snapshots_total');
    await uploadFile(alice, 'after-disconnect.txt', 'nobody listens');
    await uploadFile(bob, 'after-alice.txt', 'bob listens');
    await bobs.waitFor((usage) => usage.file_count === bobsFirst.usage.file_count + 1, { since: 0 });
    expect(await metric('usage_stream_snapshots_total')).toBe(snapshots + 1);
  });

  test('a stream ends within a heartbeat once its credentials stop holding: a revoked API key, a deleted account', async () => {
    const carol = await signUp(api.url);
    const key = (await carol.call('POST', '/v1/api-keys', { name: 'watcher', scopes: ['read'] })).body as { id: string; secret: string };
    const throughKey = await openUsageStream(api.url, key.secret);
    open.push(throughKey);
    await throughKey.next();
    const throughSession = await stream(carol);
    await throughSession.next();
    let keyStreamEnded = false;
    void throughKey.ended.then(() => (keyStreamEnded = true));

    expect((await carol.call('DELETE', `/v1/api-keys/${key.id}`)).status).toBe(204);
    await vi.waitFor(() => expect(keyStreamEnded).toBe(true), { timeout: 5_000 });

    let sessionStreamEnded = false;
    void throughSession.ended.then(() => (sessionStreamEnded = true));
    expect(sessionStreamEnded).toBe(false);
    expect((await carol.call('POST', '/v1/me/delete', { password: 'correct horse battery staple' })).status).toBe(202);
    await vi.waitFor(() => expect(sessionStreamEnded).toBe(true), { timeout: 5_000 });
  });

  test('sends heartbeat comments while nothing changes', async () => {
    const reader = await stream(bob);
    await reader.next();
    await vi.waitFor(() => expect(reader.comments).toBeGreaterThan(0), { timeout: 3_000 });
  });
});
