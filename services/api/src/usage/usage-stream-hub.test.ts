import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import type { UsageChangeFeed, UsageChangeHandlers } from './usage-change-feed.js';
import type { UsageBody } from './usage-snapshot.js';
import { usageStreamHub, type UsageEvent, type UsageSink } from './usage-stream-hub.js';

const ALICE = '0190a0a0-0000-7000-8000-00000000000a';
const BOB = '0190a0a0-0000-7000-8000-00000000000b';

const usage = (fileCount: number, at = 0): UsageBody => ({
  stored_bytes: fileCount,
  file_count: fileCount,
  by_type: [],
  byte_ms_month_to_date: '0',
  cost_month_to_date: { amount: '0.000000', currency: 'usd' },
  estimated_monthly_cost: { amount: '0.00', currency: 'usd' },
  as_of: new Date(at).toISOString(),
});

/** A hub whose reads the test resolves by hand, with a feed the test drives. */
function harness(options: { maxPerAccount?: number; freshForMs?: number } = {}) {
  let handlers: UsageChangeHandlers | undefined;
  const feed: UsageChangeFeed = {
    start: (given) => void (handlers = given),
    stop: async () => undefined,
  };
  const reads: Array<{ accountId: string; resolve: (body: UsageBody) => void; reject: (error: Error) => void }> = [];
  let now = 1_000;
  const hub = usageStreamHub({
    feed,
    readUsage: (accountId) => new Promise((resolve, reject) => reads.push({ accountId, resolve, reject })),
    now: () => now,
    logger: pino({ level: 'silent' }),
    maxPerAccount: options.maxPerAccount ?? 10,
    freshForMs: options.freshForMs ?? 1_000,
    registry: new Registry(),
  });
  const sink = () => {
    const events: UsageEvent[] = [];
    let failed = false;
    const value: UsageSink & { events: UsageEvent[]; failed: () => boolean } = {
      events,
      failed: () => failed,
      send: (event) => events.push(event),
      fail: () => void (failed = true),
    };
    return value;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { hub, reads, sink, settle, notify: (accountId: string) => handlers!.onChange(accountId), resync: () => handlers!.onResync(), advance: (ms: number) => void (now += ms) };
}

describe('usageStreamHub', () => {
  test('streams of one account share one read, and each gets its result', async () => {
    const { hub, reads, sink, settle } = harness();
    const sinks = [sink(), sink(), sink()];
    for (const each of sinks) hub.open(ALICE, each);
    expect(reads).toHaveLength(1);
    reads[0]!.resolve(usage(2));
    await settle();
    for (const each of sinks) expect(each.events.map((event) => event.usage.file_count)).toEqual([2]);
  });

  test('a burst of changes during a read costs one more read, not one per change', async () => {
    const { hub, reads, sink, settle, notify } = harness();
    const alice = sink();
    hub.open(ALICE, alice);
    reads[0]!.resolve(usage(0));
    await settle();
    notify(ALICE);
    for (let i = 0; i < 50; i++) notify(ALICE);
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(usage(1));
    await settle();
    expect(reads).toHaveLength(3);
    reads[2]!.resolve(usage(51));
    await settle();
    expect(reads).toHaveLength(3);
    expect(alice.events.map((event) => event.usage.file_count)).toEqual([0, 1, 51]);
    // Every event has its own id.
    expect(new Set(alice.events.map((event) => event.id)).size).toBe(3);
  });

  test("a change of one account reads nothing for another, and an account nobody watches is not read", async () => {
    const { hub, reads, sink, settle, notify } = harness();
    const alice = sink();
    const bob = sink();
    hub.open(ALICE, alice);
    hub.open(BOB, bob);
    reads[0]!.resolve(usage(1));
    reads[1]!.resolve(usage(7));
    await settle();
    notify(BOB);
    notify('0190a0a0-0000-7000-8000-00000000000c');
    expect(reads.map((read) => read.accountId)).toEqual([ALICE, BOB, BOB]);
    reads[2]!.resolve(usage(8));
    await settle();
    expect(alice.events.map((event) => event.usage.file_count)).toEqual([1]);
    expect(bob.events.map((event) => event.usage.file_count)).toEqual([7, 8]);
  });

  test('a stream opened soon after a read gets that read at once; later, a new one', async () => {
    const { hub, reads, sink, settle, advance } = harness({ freshForMs: 1_000 });
    hub.open(ALICE, sink());
    reads[0]!.resolve(usage(3));
    await settle();
    advance(500);
    const soon = sink();
    hub.open(ALICE, soon);
    expect(soon.events.map((event) => event.usage.file_count)).toEqual([3]);
    expect(reads).toHaveLength(1);
    advance(600);
    const later = sink();
    hub.open(ALICE, later);
    expect(later.events).toEqual([]);
    expect(reads).toHaveLength(2);
  });

  test('refuses a stream beyond the limit with too_many_streams, and closing one frees its place', () => {
    const { hub, sink } = harness({ maxPerAccount: 2 });
    const close = hub.open(ALICE, sink());
    hub.open(ALICE, sink());
    expect(() => hub.open(ALICE, sink())).toThrow(expect.objectContaining({ code: 'too_many_streams', status: 429 }));
    expect(() => hub.open(BOB, sink())).not.toThrow();
    close();
    close(); // twice is once
    expect(hub.size()).toBe(2);
    expect(() => hub.open(ALICE, sink())).not.toThrow();
  });

  test('a failed read ends the account’s streams; a resync reads every watched account again', async () => {
    const { hub, reads, sink, settle, resync } = harness();
    const alice = sink();
    const bob = sink();
    hub.open(ALICE, alice);
    hub.open(BOB, bob);
    reads[0]!.reject(new Error('database down'));
    reads[1]!.resolve(usage(1));
    await settle();
    expect(alice.failed()).toBe(true);
    expect(bob.failed()).toBe(false);
    resync();
    expect(reads.slice(2).map((read) => read.accountId).sort()).toEqual([ALICE, BOB].sort());
  });

  test('stop ends every open stream', async () => {
    const { hub, sink } = harness();
    const alice = sink();
    hub.open(ALICE, alice);
    await hub.stop();
    expect(alice.failed()).toBe(true);
  });
});
