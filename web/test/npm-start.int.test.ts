// `npm start` as a new user runs it: embedded defaults, only the ports changed. Browser uploads must
// keep working (the API's CORS follows DASHBOARD_PORT), and a SIGTERM sent to the npm process alone
// (as a process manager or `kill <pid>` does, unlike Ctrl-C which signals the whole group) must stop
// everything with exit code 0, leaving no orphaned node process behind.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const password = 'correct horse battery staple';

let dataDir: string;
let apiUrl: string;
let dashboardOrigin: string;
let npmStart: ChildProcessByStdio<null, Readable, Readable>;
let printed = '';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-npm-start-'));
  const [apiPort, dashboardPort] = [await freePort(), await freePort()];
  apiUrl = `http://localhost:${apiPort}`;
  dashboardOrigin = `http://localhost:${dashboardPort}`;
  npmStart = spawn('npm', ['start'], {
    cwd: repoRoot,
    // NODE_ENV as a shell has it (unset means development), not Vitest's `test`.
    env: { ...embeddedDefaultsEnvironment(), NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(apiPort), DASHBOARD_PORT: String(dashboardPort), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can tell whether anything npm started outlives it.
    detached: true,
  });
  npmStart.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  npmStart.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = () => printed.includes('dashboard  http') && resolve();
    npmStart.stdout.on('data', onData);
    npmStart.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was up:\n${printed}`)));
  });
}, 240_000);

afterAll(async () => {
  // Only when the test failed before stopping it: do not leave the stack running.
  if (npmStart?.pid !== undefined && groupIsAlive(npmStart.pid)) process.kill(-npmStart.pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

test('with only DASHBOARD_PORT changed, storage accepts the browser upload from the dashboard origin', async () => {
  const email = 'npm-start@example.com';
  expect((await api('/v1/auth/register', { email, password })).status).toBe(201);
  const { access_token } = (await (await api('/v1/auth/login', { email, password })).json()) as { access_token: string };
  const bytes = new TextEncoder().encode('hello from the dashboard');
  const presigned = await api('/v1/files/presign', { name: 'hello.txt', size: bytes.byteLength, content_type: 'text/plain' }, access_token);
  expect(presigned.status).toBe(201);
  const { url, headers } = (await presigned.json()) as { url: string; headers: Record<string, string> };

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': Object.keys(headers).join(',').toLowerCase() },
    });
  const allowed = await preflight(dashboardOrigin);
  expect(allowed.ok).toBe(true);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(dashboardOrigin);
  // The old fixed default must not be what let it through.
  expect((await preflight('http://localhost:3000')).headers.get('access-control-allow-origin')).toBeNull();

  const put = await fetch(url, { method: 'PUT', headers: { ...headers, Origin: dashboardOrigin }, body: bytes });
  expect(put.ok).toBe(true);
  expect(put.headers.get('access-control-allow-origin')).toBe(dashboardOrigin);
});

test('SIGTERM to the npm process stops the whole stack with exit code 0 within seconds', async () => {
  const pid = npmStart.pid!;
  const exited = once(npmStart, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const sentAt = performance.now();
  process.kill(pid, 'SIGTERM');
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  // npm only exits once its child did; give the kernel a moment to reap anything reparented.
  while (groupIsAlive(pid) && performance.now() - sentAt < 5_000) await delay(50);
  expect(groupIsAlive(pid), `left in npm start's process group:\n${processesInGroup(pid)}`).toBe(false);
  expect(performance.now() - sentAt).toBeLessThan(5_000);
}, 30_000);

function api(pathname: string, body: unknown, accessToken?: string): Promise<Response> {
  return fetch(`${apiUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboardOrigin, ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** This environment without any Baketsu setting (.env.example lists them all), so npm start runs on its embedded defaults. */
function embeddedDefaultsEnvironment(): Record<string, string | undefined> {
  const settings = new Set(
    readFileSync(path.join(repoRoot, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((key): key is string => key !== undefined),
  );
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !settings.has(key)));
}

/** Whether any process is still in the group: signal 0 checks without sending anything. */
function groupIsAlive(processGroup: number): boolean {
  try {
    process.kill(-processGroup, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** For the failure message: which processes outlived npm. */
function processesInGroup(processGroup: number): string {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[1] === String(processGroup))
    .join('\n');
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
