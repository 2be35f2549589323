// Folders benchmark (issue 14), one run:
//   1. PATCH /v1/folders/{id}: move (and rename) a folder holding 100,000 files, and move it back
//   2. GET /v1/folders/{id}/children, one level, page of 100, p99, in an account holding 1,000,000
//      files (target < 20 ms, as for the flat GET /v1/files)
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
// BENCH_FILES (default 1000000) and BENCH_MOVE_FILES (default 100000) shrink it for a quick look.
import { sql } from 'slonik';
import { z } from 'zod';
import { signUp, type Client } from '../services/api/src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '../services/api/src/platform/testing/index.js';
import { formatResult, loadTest } from './autocannon.js';

const fileCount = Number(process.env.BENCH_FILES ?? 1_000_000);
const moveFiles = Number(process.env.BENCH_MOVE_FILES ?? 100_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const FILES_PER_FOLDER = 1000;
// As in production, apart from where the log lines go.
const quiet = { VALIDATE_RESPONSES: 'false', DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'info' };

/**
 * The account's tree, written straight into the tables (the API path is measured by the other
 * benchmarks): `big/` holds `moveFiles` files; `tree/t0` … `tree/tN` hold 1,000 files each, for
 * `fileCount` in all. The triggers keep the folders' counters, as for files stored through the API.
 */
async function seedTree(api: TestApi, accountId: string): Promise<{ big: string; tree: string; leaves: readonly string[] }> {
  const pool = api.database.pool;
  const id = z.object({ id: z.string() });
  const folder = (name: string, path: string, parent: string | null) =>
    pool.oneFirst(sql.type(id)`
      insert into folders (id, account_id, parent_id, name, path, created_at, updated_at)
      values (gen_random_uuid(), ${accountId}, ${parent}, ${name}, ${path}, now(), now()) returning id`);
  const big = await folder('big', 'big', null);
  const tree = await folder('tree', 'tree', null);
  const leafCount = Math.ceil((fileCount - moveFiles) / FILES_PER_FOLDER);
  const leaves = await pool.anyFirst(sql.type(id)`
    insert into folders (id, account_id, parent_id, name, path, created_at, updated_at)
    select gen_random_uuid(), ${accountId}, ${tree}, 't' || g, 'tree/t' || g, now(), now()
    from generate_series(0, ${leafCount - 1}::int) g order by g returning id`);
  const chunk = 100_000;
  for (let start = 0; start < fileCount; start += chunk) {
    const n = Math.min(chunk, fileCount - start);
    // File g goes into big/ while g < moveFiles, then into the leaves, 1,000 each.
    await pool.query(sql.unsafe`
      with u as (
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at)
        select gen_random_uuid(), ${accountId}, ${accountId} || '/' || g, 'file-' || g || '.bin', 1 + g % 100000,
          (array['image/png','image/jpeg','text/plain','application/pdf'])[1 + g % 4], 'completed', now() - make_interval(secs => g)
        from generate_series(${start}::int, ${start + n - 1}::int) g
        returning id, account_id, object_key, name, size_bytes, content_type, created_at
      )
      insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, created_at, updated_at, folder_id)
      select gen_random_uuid(), account_id, id, object_key, name, size_bytes, content_type, created_at, created_at,
        case when g < ${moveFiles} then ${big}::uuid else (${sql.array(leaves, 'uuid')})[1 + (g - ${moveFiles}) / ${FILES_PER_FOLDER}] end
      from u, lateral (select substring(u.object_key from '/(\\d+)$')::int as g) k`);
  }
  await pool.query(sql.unsafe`
    update accounts set stored_bytes = (select sum(size_bytes) from files where account_id = ${accountId}) where id = ${accountId}`);
  await pool.query(sql.unsafe`analyze files`);
  await pool.query(sql.unsafe`analyze folders`);
  return { big, tree, leaves };
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label.padEnd(52)} ${(performance.now() - started).toFixed(1).padStart(8)} ms`);
  return result;
}

async function deepCursor(client: Client, folder: string, pages: number): Promise<string> {
  let cursor = '';
  for (let page = 0; page < pages; page++) {
    cursor = (await client.call('GET', `/v1/folders/${folder}/children?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body.next_cursor;
  }
  return encodeURIComponent(cursor);
}

const api = await startTestApi({ env: quiet, logDestination: '/dev/null' });
try {
  const alice = await signUp(api.url);
  const accountId = (await alice.call('GET', '/v1/me')).body.id as string;
  const seeded = Date.now();
  const { big, tree, leaves } = await seedTree(api, accountId);
  console.log(`Folders benchmark, node ${process.version}: one account with ${fileCount} files in ${leaves.length + 2} folders (seeded in ${((Date.now() - seeded) / 1000).toFixed(0)} s)`);

  console.log(`\n1. Move and rename a folder holding ${moveFiles} files (one request each, the whole round trip)`);
  const check = async (path: string) => {
    const answer = await alice.call('GET', `/v1/folders/${big}`);
    if (answer.body.path !== path || answer.body.file_count !== moveFiles) throw new Error(`unexpected folder after the move: ${JSON.stringify(answer.body)}`);
  };
  await timed(`PATCH move big/ → tree/t0/moved`, () => alice.call('PATCH', `/v1/folders/${big}`, { parent_id: leaves[0], name: 'moved' }));
  await check('tree/t0/moved');
  await timed(`PATCH move it back to the root as big/`, () => alice.call('PATCH', `/v1/folders/${big}`, { parent_id: null, name: 'big' }));
  await check('big');
  await timed(`PATCH move tree/ (${leaves.length} folders, ${fileCount - moveFiles} files) into big/`, () =>
    alice.call('PATCH', `/v1/folders/${tree}`, { parent_id: big }),
  );
  await timed(`PATCH move it back`, () => alice.call('PATCH', `/v1/folders/${tree}`, { parent_id: null }));

  console.log(`\n2. GET /v1/folders/{id}/children, one level, limit=100`);
  const headers = { authorization: `Bearer ${alice.token}` };
  const deep = await deepCursor(alice, big, Math.min(500, Math.floor(moveFiles / 100) - 1));
  const cases = [
    ['1,000-file folder tree/t500', `${leaves[Math.min(500, leaves.length - 1)]}/children?limit=100`],
    [`${moveFiles}-file folder big/`, `${big}/children?limit=100`],
    [`big/, deep page (cursor)`, `${big}/children?limit=100&cursor=${deep}`],
    [`tree/ (${leaves.length} folders, sizes)`, `${tree}/children?limit=100`],
    ['root (2 folders, sizes of 1M)', 'root/children?limit=100'],
    // The flat list bench/files.ts measures, on this account and machine, for comparison.
    ['reference: GET /v1/files?limit=100', '../files?limit=100'],
  ] as const;
  for (const [label, path] of cases) {
    const url = new URL(`/v1/folders/${path}`, api.url).toString();
    await loadTest({ url, headers, seconds: 2, connections: 1 });
    const result = await loadTest({ url, headers, seconds, connections: 1 });
    console.log(`${formatResult(`1 client, ${label}`, result)}  ${result.p99Ms < 20 ? 'MET' : 'NOT MET'} (p99 < 20 ms)`);
  }
} finally {
  await api.stop();
}
