// The load generator's process: it stays up for a whole benchmark and runs one autocannon load per
// message from the parent. Starting autocannon afresh for every round cost about half a second on
// this machine, which made rounds long; rounds must be short so that the baseline and the
// candidate, alternating, see the same machine.
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult } from './autocannon.js';

process.on('message', (message: { id: number; options: LoadOptions }) => {
  const { id, options } = message;
  autocannon(
    {
      url: options.url,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      connections: options.connections ?? 32,
      duration: options.seconds ?? 8,
    },
    (error, report) => {
      if (error) {
        process.send!({ id, error: String(error) });
        return;
      }
      const result: LoadResult = {
        requests: report.requests.total,
        requestsPerSecond: report.requests.total / (report.duration || options.seconds || 8),
        p50Ms: report.latency.p50,
        p99Ms: report.latency.p99,
        non2xx: report.non2xx,
        errors: report.errors,
      };
      process.send!({ id, result });
    },
  );
});
