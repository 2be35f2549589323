import type { DatabasePool } from 'slonik';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { relayBacklog, type RelayMetrics } from '@baketsu/contract/outbox';

/** Relay metrics on a given registry; the backlog is read from the database at scrape time. */
export function createRelayMetrics(registry: Registry, pool: DatabasePool, name = 'kafka'): RelayMetrics {
  const published = new Counter({ name: 'outbox_relay_published_total', help: 'Outbox events published to the log.', registers: [registry] });
  const latency = new Histogram({
    name: 'outbox_relay_publish_latency_seconds',
    help: 'From the outbox row being written to it being acknowledged by the log.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'outbox_relay_backlog',
    help: 'Outbox events not yet published.',
    registers: [registry],
    async collect() {
      this.set(await relayBacklog(pool, name));
    },
  });
  return {
    published(count, latenciesMs) {
      published.inc(count);
      for (const ms of latenciesMs) latency.observe(Math.max(0, ms) / 1000);
    },
  };
}
