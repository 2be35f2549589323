// Load generator for bench/web-dashboard.ts, run as its own process so it never shares the
// server's event loop. Each connection carries one user's session cookie. Prints JSON.
import autocannon from 'autocannon';

const [url, cookiesJson, seconds = '10'] = process.argv.slice(2);
if (!url || !cookiesJson) throw new Error('usage: web-load.ts <url> <cookies-json> [seconds]');
if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error('benchmarks only target loopback');
const cookies = JSON.parse(cookiesJson) as string[];

let next = 0;
const latencies: number[] = [];
const statuses = new Map<number, number>();
const instance = autocannon(
  {
    url,
    connections: cookies.length,
    duration: Number(seconds),
    setupClient(client) {
      client.setHeaders({ cookie: cookies[next++ % cookies.length]!, 'accept-encoding': 'gzip' });
    },
  },
  (error, result) => {
    if (error) throw error;
    report(result);
  },
);
instance.on('response', (_client, status, _bytes, responseTime) => {
  latencies.push(responseTime);
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
});

function report(result: autocannon.Result): void {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(
    JSON.stringify({
      requests: latencies.length,
      requestsPerSecond: result.requests.average,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      p99Ms: at(0.99),
      statuses: Object.fromEntries(statuses),
      errors: result.errors,
    }),
  );
}
