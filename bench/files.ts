// Files benchmarks (issue #3), one run each:
//   1. POST /v1/files/presign req/s and p99 next to a bare Express POST route (target >= 40%)
//   2. GET /v1/files page of 100, p99, with one account holding 1,000,000 files (target < 20 ms)
//   3. multipart upload throughput of a 1 GiB file to versitygw and to the local disk store
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
// BENCH_FILES (default 1000000) and BENCH_UPLOAD_MIB (default 1024) shrink it for a quick look.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { sql } from 'slonik';
import { createTestBucket, signUp, type Client } from '../services/api/src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '../services/api/src/platform/testing/index.js';
import { compareWithBaseline, formatComparison, formatResult, loadTest } from './autocannon.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const roundSeconds = Number(process.env.BENCH_ROUND_SECONDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const fileCount = Number(process.env.BENCH_FILES ?? 1_000_000);
const uploadMiB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024);
const run = promisify(execFile);
// As in production, apart from where the log lines go.
const quiet = { VALIDATE_RESPONSES: 'false', DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'info' };

async function benchPresign(): Promise<void> {
  const api = await startTestApi({ env: quiet, logDestination: '/dev/null' });
  const bare = express();
  bare.use(express.json());
  bare.post('/bare', (request, response) => void response.status(201).json({ ok: true, echo: request.body }));
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  try {
    const alice = await signUp(api.url);
    const body = JSON.stringify({ name: 'holiday.jpg', size: 3_000_000, content_type: 'image/jpeg' });
    const target = { method: 'POST' as const, body, connections, headers: { 'content-type': 'application/json' } };
    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/bare`;
    const presign = { ...target, url: `${api.url}/v1/files/presign`, headers: { ...target.headers, authorization: `Bearer ${alice.token}` } };
    const comparison = await compareWithBaseline({ baseline: { ...target, url: bareUrl }, candidate: presign, rounds, seconds: roundSeconds });
    console.log(`\n1. presign (local store), ${connections} connections, ${rounds} alternating rounds of ${roundSeconds}s, node ${process.version}`);
    console.log(formatComparison({ baseline: 'bare express POST /bare', candidate: 'POST /v1/files/presign', target: 0.4 }, comparison));
    if (comparison.candidate.non2xx > 0 || comparison.candidate.errors > 0) console.log('WARNING: presign answered non-2xx or errored');
  } finally {
    bareServer.close();
    await api.stop();
  }
}

/** Rows written straight into the tables (the API path is measured above): uploads, then files. */
async function seedFiles(api: TestApi, accountId: string, count: number): Promise<void> {
  const pool = api.database.pool;
  const chunk = 100_000;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    await pool.query(sql.unsafe`
      with u as (
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at)
        select gen_random_uuid(), ${accountId}, ${accountId} || '/' || g, 'file-' || g || '.bin', 1 + g % 100000,
          (array['image/png','image/jpeg','text/plain','application/pdf'])[1 + g % 4], 'completed',
          now() - make_interval(secs => g)
        from generate_series(${start}::int, ${start + n - 1}::int) g
        returning id, account_id, object_key, name, size_bytes, content_type, created_at
      )
      insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, created_at, updated_at)
      select gen_random_uuid(), account_id, id, object_key, name, size_bytes, content_type, created_at, created_at from u`);
  }
  await pool.query(sql.unsafe`analyze files`);
}

async function benchList(): Promise<void> {
  const api = await startTestApi({ env: quiet, logDestination: '/dev/null' });
  try {
    const alice = await signUp(api.url);
    const accountId = (await alice.call('GET', '/v1/me')).body.id as string;
    const seeded = Date.now();
    await seedFiles(api, accountId, fileCount);
    console.log(`\n2. GET /v1/files, one account with ${fileCount} files (seeded in ${((Date.now() - seeded) / 1000).toFixed(0)} s)`);
    const headers = { authorization: `Bearer ${alice.token}` };
    const deep = await deepCursor(alice);
    // One client: the latency of a page by itself. Then 8 at once: throughput (p99 includes queueing).
    for (const query of ['limit=100', 'limit=100&sort=name']) {
      await loadTest({ url: `${api.url}/v1/files?${query}`, headers, seconds: 2, connections: 1 });
      const result = await loadTest({ url: `${api.url}/v1/files?${query}`, headers, seconds, connections: 1 });
      console.log(`${formatResult(`1 client, ${query}`, result)}  ${result.p99Ms < 20 ? 'MET' : 'NOT MET'} (p99 < 20 ms)`);
    }
    for (const [label, query] of [
      ['newest 100', 'limit=100'],
      ['by name, 100', 'limit=100&sort=name'],
      ['by size desc, 100', 'limit=100&sort=size&order=desc'],
      ['page 50 (cursor)', `limit=100&cursor=${deep}`],
      ['type=image, 100', 'limit=100&type=image'],
    ] as const) {
      await loadTest({ url: `${api.url}/v1/files?${query}`, headers, seconds: 2, connections: 8 });
      const result = await loadTest({ url: `${api.url}/v1/files?${query}`, headers, seconds, connections: 8 });
      console.log(formatResult(`8 clients, ${label}`, result));
    }
  } finally {
    await api.stop();
  }
}

async function deepCursor(client: Client): Promise<string> {
  let cursor = '';
  for (let page = 0; page < 50; page++) {
    cursor = (await client.call('GET', `/v1/files?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body.next_cursor;
  }
  return encodeURIComponent(cursor);
}

async function benchUpload(mode: 'local' | 's3'): Promise<void> {
  const bucket = mode === 's3' ? await createTestBucket() : undefined;
  const api = await startTestApi({ env: { ...quiet, ...bucket?.env }, logDestination: '/dev/null' });
  try {
    const alice = await signUp(api.url);
    const child = fileURLToPath(new URL('./files-upload-child.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, api.url, alice.token, String(uploadMiB)], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; parts: number; partSize: number; parallel: number };
    console.log(
      `3. ${uploadMiB} MiB multipart upload to ${mode === 's3' ? 'versitygw (S3)' : 'local disk store'}: ${result.parts} parts of ` +
        `${result.partSize / 2 ** 20} MiB, ${result.parallel} in parallel, ${result.seconds.toFixed(1)} s = ${(uploadMiB / result.seconds).toFixed(0)} MiB/s`,
    );
  } finally {
    await api.stop();
    await bucket?.drop();
  }
}

const only = process.env.BENCH_ONLY;
if (!only || only === 'presign') await benchPresign();
if (!only || only === 'list') await benchList();
if (!only || only === 'upload') {
  console.log('');
  await benchUpload('s3');
  await benchUpload('local');
}
