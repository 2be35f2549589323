// GET /v1/me (JWT verification + one indexed PostgreSQL lookup) against a bare Express route served
// by the same process, loaded from a second process. Target: /v1/me at >= 50% of the bare route.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { startTestApi } from '../services/api/src/platform/testing/index.js';
import { compareWithBaseline, formatComparison } from './autocannon.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

// As in production: a line per request at info, through the production logger (into /dev/null here).
const api = await startTestApi({
  env: { VALIDATE_RESPONSES: 'false', DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'info' },
  logDestination: '/dev/null',
});
const bare = express();
bare.get('/bare', (_request, response) => {
  response.json({ ok: true });
});
const bareServer = bare.listen(0, '127.0.0.1');
await new Promise((resolve) => bareServer.once('listening', resolve));
const barePort = (bareServer.address() as AddressInfo).port;

try {
  const credentials = JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: 'benchmark password' });
  const post = (path: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials });
  await post('/v1/auth/register');
  const { access_token } = (await (await post('/v1/auth/login')).json()) as { access_token: string };

  const comparison = await compareWithBaseline({
    baseline: { url: `http://127.0.0.1:${barePort}/bare`, connections },
    candidate: { url: `${api.url}/v1/me`, headers: { authorization: `Bearer ${access_token}` }, connections },
    rounds,
    seconds,
  });
  console.log(`connections ${connections}, ${rounds} alternating rounds of ${seconds}s each, node ${process.version}`);
  console.log(formatComparison({ baseline: 'bare express GET /bare', candidate: 'GET /v1/me', target: 0.5 }, comparison));
  const meResult = comparison.candidate;
  if (meResult.non2xx > 0 || meResult.errors > 0) console.log('WARNING: /v1/me answered non-2xx or errored during the run');
} finally {
  bareServer.close();
  await api.stop();
}
