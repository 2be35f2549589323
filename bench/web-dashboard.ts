// The dashboard's weight and speed: JavaScript (gzip) shipped by /dashboard and /files, and the
// server-render p95 of /dashboard under 50 concurrent signed-in users. Three processes, as in
// production: the API (with metering) here, the built dashboard in its own, and the load generator.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { ensureFreshBuild, startStack } from '../web/test/stack.js';

const USERS = Number(process.env.BENCH_USERS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const run = promisify(execFile);
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

// BENCH_WEB_URL + BENCH_API_URL: measure servers that are already running instead (loopback only).
const external = process.env.BENCH_WEB_URL && process.env.BENCH_API_URL ? { web: process.env.BENCH_WEB_URL, api: process.env.BENCH_API_URL } : null;
if (!external) await ensureFreshBuild();
// 50 sign-ins from one address would trip the API's per-address login limit.
const stack = external ? null : await startStack({ LOGIN_LIMIT_PER_IP: '1000', VALIDATE_RESPONSES: 'false' }, { separateProcess: true });
const base = external?.web ?? stack!.web.url;
const apiUrl = external?.api ?? stack!.api.url;
try {
  const cookies = await Promise.all(Array.from({ length: USERS }, (_, i) => signUp(`bench-web-${Date.now()}-${i}@example.com`)));
  // Everyone has files, so every render fills every panel (costliest files included).
  for (const cookie of cookies) await seedFiles(cookie);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // metering folds the uploads in

  for (const page of ['/dashboard', '/files']) {
    const initial = await javascriptOf(page, cookies[0]!);
    const lazy = await lazyChunksOf(page, cookies[0]!);
    console.log(
      `${page.padEnd(11)} JS at load ${kib(initial.gzipBytes)} gzip in ${initial.files} files (${kib(initial.rawBytes)} raw)` +
        (lazy.files > 0 ? `; after hydration +${kib(lazy.gzipBytes)} gzip (charts, ${lazy.files} files)` : ''),
    );
  }

  const load = async (duration: number) => {
    const { stdout } = await run(process.execPath, [tsxCli, new URL('./web-load.ts', import.meta.url).pathname, `${base}/dashboard`, JSON.stringify(cookies), String(duration)], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as { requests: number; requestsPerSecond: number; p50Ms: number; p95Ms: number; p99Ms: number; statuses: Record<string, number>; errors: number };
  };
  await load(2); // warm-up: JIT, connection pools
  const cpuBefore = { api: process.cpuUsage(), web: await childCpuMs(stack?.web.pid) };
  const result = await load(seconds);
  const apiCpuMs = (process.cpuUsage(cpuBefore.api).user + process.cpuUsage(cpuBefore.api).system) / 1000;
  const webCpuMs = (await childCpuMs(stack?.web.pid)) - cpuBefore.web;
  console.log(`GET /dashboard, ${USERS} signed-in users, ${seconds}s, node ${process.version}`);
  if (stack?.web.pid) console.log(`  CPU per page: dashboard ${(webCpuMs / result.requests).toFixed(1)} ms, API + metering ${(apiCpuMs / result.requests).toFixed(1)} ms (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)})`);
  console.log(`  ${result.requestsPerSecond.toFixed(0)} req/s   p50 ${result.p50Ms.toFixed(1)} ms   p95 ${result.p95Ms.toFixed(1)} ms   p99 ${result.p99Ms.toFixed(1)} ms   statuses ${JSON.stringify(result.statuses)}   errors ${result.errors}`);
} finally {
  await stack?.stop();
}

async function signUp(email: string): Promise<string> {
  const password = 'benchmark passphrase';
  await fetch(`${apiUrl}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const response = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ email, password, redirectTo: '/dashboard' }), redirect: 'manual' });
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('__baketsu_session='));
  if (!cookie) throw new Error(`sign-in failed for ${email}: ${response.status}`);
  return cookie.split(';')[0]!;
}

// A few files so the dashboard has usage to render (uploaded the way the browser does).
async function seedFiles(cookie: string): Promise<void> {
  for (const [name, type, size] of [['a.png', 'image/png', 4096], ['b.txt', 'text/plain', 512]] as const) {
    const call = async (body: object) => (await fetch(`${base}/api/uploads`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    const presigned = await call({ intent: 'presign', name, size, content_type: type });
    await fetch(String(presigned.url), { method: 'PUT', headers: presigned.headers as Record<string, string>, body: new Uint8Array(size) });
    await call({ intent: 'complete', upload_id: presigned.upload_id });
  }
}

async function scriptUrls(path: string, cookie: string, html?: string): Promise<Set<string>> {
  const page = html ?? (await (await fetch(`${base}${path}`, { headers: { cookie } })).text());
  const urls = new Set<string>();
  for (const match of page.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)) urls.add(match[1]!);
  for (const match of page.matchAll(/import\s*(?:[^'"]*from\s*)?["']([^"']+\.js)["']/g)) urls.add(match[1]!);
  return urls;
}

async function javascriptOf(path: string, cookie: string) {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  const urls = await scriptUrls(path, cookie, html);
  const inline = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('');
  let gzipBytes = gzipSync(inline).length;
  let rawBytes = Buffer.byteLength(inline);
  for (const url of urls) {
    const body = Buffer.from(await (await fetch(new URL(url, base))).arrayBuffer());
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { files: urls.size, gzipBytes, rawBytes };
}

// Chunks the page's own scripts import dynamically (the charts), fetched once it is interactive.
async function lazyChunksOf(page: string, cookie: string) {
  const initial = await scriptUrls(page, cookie);
  const lazy = new Set<string>();
  for (const url of initial) {
    const code = await (await fetch(new URL(url, base))).text();
    for (const match of code.matchAll(/import\(\s*["'](\.\/[\w.-]+\.js)["']\s*\)/g)) {
      const resolved = new URL(match[1]!, new URL(url, base)).pathname;
      if (!initial.has(resolved)) lazy.add(resolved);
    }
  }
  let gzipBytes = 0;
  for (const url of lazy) gzipBytes += gzipSync(Buffer.from(await (await fetch(new URL(url, base))).arrayBuffer()), { level: 9 }).length;
  return { files: lazy.size, gzipBytes };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// utime + stime of a process (and its threads), in milliseconds, from /proc; 0 elsewhere.
async function childCpuMs(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * 10; // clock ticks of 10 ms
}
