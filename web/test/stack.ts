// The whole stack for browser tests: the real API (own PostgreSQL database, local-disk storage)
// and the built dashboard in front of it, both on loopback.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { startTestApi, type TestApi } from '@baketsu/api/testing';
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { buildDashboard, buildIsStale, startDashboard, webRoot, type Dashboard } from '../server/dashboard.js';

export interface Stack {
  api: TestApi;
  /** `pid` when the dashboard runs in its own process. */
  web: Pick<Dashboard, 'url' | 'close'> & { pid?: number };
  stop(): Promise<void>;
}

const SESSION_SECRET = 'e2e-session-secret-e2e-session-secret-0123';

/**
 * `separateProcess`: the dashboard runs in its own Node process, as in production, instead of
 * sharing this one's event loop with the API (benchmarks).
 */
export async function startStack(apiEnv: Record<string, string> = {}, options: { separateProcess?: boolean } = {}): Promise<Stack> {
  // The API must allow the dashboard's origin (browser → storage PUTs), so pick its port first.
  const port = await freePort();
  // The API as its process composes it, with metering folding its outbox in-process (as `npm start`
  // does) into the usage read model the dashboard shows.
  const api = await startTestApi({
    // DASHBOARD_URL: links the API makes to the dashboard (share links' public pages) point at this one.
    env: { CORS_ORIGINS: `http://127.0.0.1:${port}`, DASHBOARD_URL: `http://127.0.0.1:${port}`, ...apiEnv },
    workers: [({ database }) => startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: 100 })],
  });
  const web = options.separateProcess
    ? await startDashboardProcess(port, api.url)
    : await startDashboard({ port, env: { NODE_ENV: 'test', API_URL: api.url, SESSION_SECRET } });
  return {
    api,
    web,
    async stop() {
      await web.close();
      await api.stop();
    },
  };
}

export async function ensureFreshBuild(): Promise<void> {
  if (await buildIsStale()) await buildDashboard();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startDashboardProcess(port: number, apiUrl: string): Promise<Stack['web']> {
  // One process (node --import tsx), so its pid is the one doing the work.
  // WEB_CPU_PROF=<dir>: write a CPU profile of the dashboard process there (for bench runs).
  const profile = process.env.WEB_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WEB_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(webRoot, 'server', 'main.ts')], {
    cwd: webRoot,
    env: { ...process.env, NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'false', API_URL: apiUrl, SESSION_SECRET, WEB_PORT: String(port), WEB_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) break;
    if (attempt > 100 || child.exitCode !== null) throw new Error('the dashboard process did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * For files whose tests share one stack and one browser: both start before the file's first test
 * and stop after its last. Read them through the returned object once the tests run.
 */
export function useStackAndBrowser(apiEnv: Record<string, string> = {}): { stack: Stack; browser: Browser } {
  const shared = {} as { stack: Stack; browser: Browser };
  beforeAll(async () => {
    shared.stack = await startStack(apiEnv);
    shared.browser = await launchBrowser();
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.stack?.stop();
  });
  return shared;
}
