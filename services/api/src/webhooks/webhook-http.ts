// One delivery attempt over HTTP: connects to the address url-safety checked (never resolving the
// name again), within a time budget for the whole exchange, and reads at most a little of the
// answer: only its status matters, and a receiver must not be able to hold a sender with a slow or
// endless body.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from './url-safety.js';

export interface AttemptOutcome {
  /** The answer's status; undefined when there was none (refused, timed out, reset). */
  statusCode?: number;
  /** Why it failed, in words, when it did. */
  error?: string;
  latencyMs: number;
}

export interface PostOptions {
  target: WebhookTarget;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Bytes of an answer read (so the connection can be reused); anything longer ends the connection. */
const MAX_RESPONSE_BYTES = 64 * 1024;

// Keep-alive: one connection per receiver carries many deliveries. A pooled connection was opened
// to a checked address, so reusing it cannot reach an address that was not checked.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' }),
};

/** A `lookup` that answers the checked address whatever the name, in both of Node's calling styles. */
function pinnedLookup(target: WebhookTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

export function postWebhook(options: PostOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { url } = options.target;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, latencyMs: elapsed() });
    };
    const request = transport.request(url, {
      method: 'POST',
      agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
      lookup: pinnedLookup(options.target),
      headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    request.on('response', (response: IncomingMessage) => {
      const statusCode = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) {
          response.destroy();
          finish(outcomeOf(statusCode));
        }
      });
      response.on('end', () => finish(outcomeOf(statusCode)));
      response.on('error', () => finish(outcomeOf(statusCode)));
      response.on('close', () => finish(outcomeOf(statusCode)));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (error.code ?? error.message);
      finish({ error: reason });
    });
    request.end(options.body);
  });
}

function outcomeOf(statusCode: number): Omit<AttemptOutcome, 'latencyMs'> {
  return statusCode >= 200 && statusCode < 300 ? { statusCode } : { statusCode, error: `answered ${statusCode}` };
}
