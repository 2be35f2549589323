import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MeteringMetrics {
  registry: Registry;
  eventsApplied: Counter<'stream'>;
  deadLetters: Counter<'stream'>;
  batchSeconds: Histogram<'stream'>;
  lag: Gauge<'stream' | 'partition'>;
}

export type LagReader = () => Promise<Array<{ stream: string; partition: number; lag: number }>>;

/**
 * Metering metrics on the given registry (embedded mode passes the API's) or a new one; never
 * prom-client's global registry. Lag is read at scrape time, so it is never stale.
 */
export function createMeteringMetrics(options: { registry?: Registry; defaults?: boolean; lag?: LagReader } = {}): MeteringMetrics {
  const registry = options.registry ?? new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const readLag = options.lag;
  return {
    registry,
    eventsApplied: new Counter({ name: 'metering_events_applied_total', help: 'File events folded into usage.', labelNames: ['stream'], registers: [registry] }),
    deadLetters: new Counter({ name: 'metering_dead_letters_total', help: 'Records that could not be parsed.', labelNames: ['stream'], registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'metering_batch_duration_seconds',
      help: 'Time to fold one batch and commit it with its cursor.',
      labelNames: ['stream'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'metering_consumer_lag',
      help: 'Records in the log not yet folded, per partition.',
      labelNames: ['stream', 'partition'],
      registers: [registry],
      async collect() {
        if (!readLag) return;
        for (const { stream, partition, lag } of await readLag().catch(() => [])) this.set({ stream, partition: String(partition) }, lag);
      },
    }),
  };
}

/** `GET /metrics` (and `/healthz`) on its own port. */
export function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(request.url === '/healthz' ? 200 : 404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(body))
      .catch(() => response.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
