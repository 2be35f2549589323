// The fan-out behind the live usage streams of one process (decision 019). Streams register per
// account; a change notification marks the account's numbers stale and one snapshot is computed
// for all of its streams. Notifications arriving while a snapshot is being read coalesce into one
// more read after it, so a burst of uploads costs at most two reads per account, not one per
// stream nor one per file.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '#src/platform/logger.js';
import type { UsageChangeFeed } from './usage-change-feed.js';
import { usageErrors } from './usage-errors.js';
import type { UsageBody } from './usage-snapshot.js';

export interface UsageEvent {
  /** The SSE `id:` of the event: when it was read, and a sequence number of this process. */
  id: string;
  usage: UsageBody;
}

/** Where one open stream receives its account's numbers. */
export interface UsageSink {
  send(event: UsageEvent): void;
  /** The numbers could not be read: the stream ends, and its client reconnects later. */
  fail(error: unknown): void;
}

export interface UsageStreamHub {
  /**
   * Registers a stream of `accountId`; its sink gets the current numbers soon (at once when they
   * were read less than `freshForMs` ago) and every change after. Throws `too_many_streams` when
   * the account holds its limit. The returned function unregisters it.
   */
  open(accountId: string, sink: UsageSink): () => void;
  /** Open streams in this process. */
  size(): number;
  /** Ends every open stream (their clients reconnect elsewhere) and stops listening. */
  stop(): Promise<void>;
}

interface AccountStreams {
  sinks: Set<UsageSink>;
  latest?: { event: UsageEvent; readAt: number };
  reading: boolean;
  /** A change arrived while reading: read once more after. */
  again: boolean;
}

export interface UsageStreamHubOptions {
  feed: UsageChangeFeed;
  readUsage: (accountId: string) => Promise<UsageBody>;
  now: () => number;
  logger: Logger;
  maxPerAccount: number;
  /** A stream that opens within this long of the last read gets that read instead of a new one. */
  freshForMs?: number;
  registry?: Registry;
}

const RETRY_AFTER_SECONDS = 10;

export function usageStreamHub(options: UsageStreamHubOptions): UsageStreamHub {
  const accounts = new Map<string, AccountStreams>();
  const freshForMs = options.freshForMs ?? 1_000;
  let sequence = 0;
  let streams = 0;
  const registers = options.registry ? [options.registry] : [];
  const snapshots = new Counter({ name: 'usage_stream_snapshots_total', help: 'Usage snapshots read for live streams (one per account per change burst).', registers });
  new Gauge({ name: 'usage_streams_open', help: 'Live usage streams open in this process.', registers, collect() { this.set(streams); } });

  function refresh(accountId: string): void {
    const group = accounts.get(accountId);
    if (!group) return;
    if (group.reading) {
      group.again = true;
      return;
    }
    group.reading = true;
    group.again = false;
    snapshots.inc();
    options
      .readUsage(accountId)
      .then((usage) => {
        const event = { id: `${Date.parse(usage.as_of)}-${(sequence += 1)}`, usage };
        group.latest = { event, readAt: options.now() };
        for (const sink of group.sinks) sink.send(event);
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error, accountId }, 'reading usage for live streams failed');
        for (const sink of [...group.sinks]) sink.fail(error);
      })
      .finally(() => {
        group.reading = false;
        if (group.again && accounts.get(accountId) === group) refresh(accountId);
      });
  }

  options.feed.start({
    onChange(accountId) {
      const group = accounts.get(accountId);
      if (!group) return;
      group.latest = undefined;
      refresh(accountId);
    },
    onResync() {
      for (const [accountId, group] of accounts) {
        group.latest = undefined;
        refresh(accountId);
      }
    },
  });

  return {
    open(accountId, sink) {
      let group = accounts.get(accountId);
      if (group && group.sinks.size >= options.maxPerAccount) throw usageErrors.tooManyStreams(options.maxPerAccount, RETRY_AFTER_SECONDS);
      if (!group) {
        group = { sinks: new Set(), reading: false, again: false };
        accounts.set(accountId, group);
      }
      group.sinks.add(sink);
      streams += 1;
      const latest = group.latest;
      if (latest && options.now() - latest.readAt < freshForMs) sink.send(latest.event);
      // A read in progress ends by sending to every sink, this one included.
      else if (!group.reading) refresh(accountId);
      const joined = group;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        streams -= 1;
        joined.sinks.delete(sink);
        if (joined.sinks.size === 0 && accounts.get(accountId) === joined) accounts.delete(accountId);
      };
    },
    size: () => streams,
    async stop() {
      await options.feed.stop();
      const open = [...accounts.values()].flatMap((group) => [...group.sinks]);
      accounts.clear();
      for (const sink of open) sink.fail(new Error('the server is stopping'));
    },
  };
}
