// SCRATCH (not for commit): validate /dashboard against the usage router before it is mounted.
import express from 'express';
import pino from 'pino';
import { createTestDatabase, startTestApi } from '@baketsu/api/testing';
import { meteringMigrations, startEmbeddedMetering } from '@baketsu/metering/embedded';
import { usageRouter } from '../../services/api/src/usage/usage-routes.ts';
import { systemClock } from '../../services/api/src/platform/clock.ts';
import { startDashboard } from '../server/dashboard.ts';

const database = await createTestDatabase({ extraMigrations: [meteringMigrations] });
const front = express();
const frontServer = front.listen(0, '127.0.0.1');
await new Promise((r) => frontServer.once('listening', r));
const frontUrl = `http://127.0.0.1:${(frontServer.address() as any).port}`;
const webPort = 3777;
const api = await startTestApi({ database, env: { CORS_ORIGINS: `http://127.0.0.1:${webPort}`, MULTIPART_THRESHOLD_BYTES: '5242880', MULTIPART_PART_SIZE_BYTES: '5242880', LOGIN_LIMIT_PER_IP: '1000' } });
const metering = startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: 100 });
front.use(usageRouter({
  pool: database.pool as any, clock: systemClock, price: { perGibMonth: '0.02', currency: 'usd' },
  resolveBearer: async (token: string) => {
    const me = await (await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    return { account: me, scopes: new Set(['read', 'write', 'delete']), via: 'access_token' } as any;
  },
}) as any);
front.use(express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
  const upstream = await fetch(`${api.url}${req.url}`, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : req.body });
  res.status(upstream.status);
  upstream.headers.forEach((v, k) => { if (!['content-encoding', 'content-length', 'transfer-encoding'].includes(k)) res.setHeader(k, v); });
  res.end(Buffer.from(await upstream.arrayBuffer()));
});
const web = await startDashboard({ port: webPort, env: { NODE_ENV: 'production', API_URL: frontUrl, SESSION_SECRET: 'x'.repeat(40) } });
console.log('READY', web.url, frontUrl);
await new Promise((r) => setTimeout(r, 300_000));
await web.close(); await metering.stop(); await api.stop(); frontServer.close(); await database.drop();
