// A real HTTP server receiving webhooks in tests (node:http): records every request as it came, can
// go down (stops listening: connections refused) and come back on the same port, and lets a test
// await deliveries instead of sleeping.
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type DatabasePool } from 'slonik';

export interface ReceivedWebhook {
  /** The `webhook-id` header. */
  id: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
  event: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Resolves once `predicate` holds for what was received (checked at each arrival), or rejects after `timeoutMs`. */
  waitFor(predicate: (received: readonly ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Status answered from now on (200 by default). */
  answerWith(status: number, delayMs?: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const arrivals = new EventEmitter();
  let status = 200;
  let delayMs = 0;
  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const makeServer = () =>
    createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ id: String(request.headers['webhook-id']), headers: request.headers, body, event: JSON.parse(body) });
        arrivals.emit('arrival');
        const answer = () => response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        if (delayMs > 0) setTimeout(answer, delayMs);
        else answer();
      });
    });
  let server = makeServer();
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (!predicate(received)) {
        try {
          await once(arrivals, 'arrival', { signal: deadline });
        } catch {
          throw new Error(`webhooks not received in ${timeoutMs} ms; got ${received.length}: ${received.map((r) => r.event.type).join(', ')}`);
        }
      }
      return received;
    },
    answerWith(next, nextDelayMs = 0) {
      status = next;
      delayMs = nextDelayMs;
    },
    down: close,
    async up() {
      server = makeServer();
      await listen(server, port);
    },
    stop: close,
  };
}

/**
 * Writes an event of any type to the outbox, as a producer this branch does not have yet would
 * (`usage.alert` comes from the accounts work): the dispatcher delivers whatever rows appear.
 */
export async function appendRawEvent(pool: DatabasePool, event: { id: string; type: string; subject: string; time: string; data: Record<string, unknown> }): Promise<void> {
  const cloudEvent = { specversion: '1.0', source: 'baketsu/test', datacontenttype: 'application/json', dataschema: `test/${event.type}`, ...event };
  await pool.query(sql.unsafe`
    insert into outbox (event_id, account_id, event_type, event) values (${event.id}, ${event.subject}, ${event.type}, ${JSON.stringify(cloudEvent)}::jsonb)`);
}
