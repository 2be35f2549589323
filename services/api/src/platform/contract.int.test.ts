// The contract, tested by requests nobody wrote by hand: schemathesis reads openapi.yaml and sends
// what it derives from it (requests the schema allows and requests that break it, one operation at
// a time and in chains), with a fixed seed and a fixed number of cases per operation, so a run
// generates the same requests on any machine and a finding replays exactly. The run fails on any
// 5xx, any answer whose status, media type, headers or body the contract does not describe, any
// schema-valid request the server refuses, and any schema-breaking request it accepts. Installed by
// `scripts/services up` (pinned there); its findings are printed with a `curl` line to replay each.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApiSpecPath } from './contract-document.js';
import { requireTestEnv, startTestApi, type TestApi } from './testing/index.js';

const HOOKS_DIRECTORY = fileURLToPath(new URL('./testing/schemathesis/', import.meta.url));
const SEED = '20261207';
// Per operation and phase. A time budget (`--max-time`) instead repeats fuzzing and chains until it
// is spent, so what was generated depended on machine speed and load, and CI met findings no local
// run had seen. 30 generates about as many cases as the 50 s budget did (4,591 with a token, 4,917
// without) and each phase runs once.
const MAX_EXAMPLES = '30';
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'positive_data_acceptance',
  'negative_data_rejection',
  'missing_required_header',
  'unsupported_method',
  'allow_header_conformance',
  'ignored_auth',
].join(',');

let api: TestApi;
let workDirectory: string;
let accessToken: string;

beforeAll(async () => {
  api = await startTestApi({
    // An installation's own limits may be below the contract's ceilings (openapi.yaml says so);
    // here they are at the ceilings, so every request the contract allows must be accepted.
    env: { MAX_FILE_SIZE_BYTES: String(5 * 1024 ** 4), MAX_TAGS_PER_FILE: '100' },
  });
  workDirectory = await mkdtemp(path.join(tmpdir(), 'baketsu-contract-'));
  const credentials = JSON.stringify({ email: 'contract@example.com', password: 'contract-password' });
  const post = (route: string) => fetch(`${api.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials });
  expect((await post('/v1/auth/register')).status).toBe(201);
  accessToken = ((await (await post('/v1/auth/login')).json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await api?.stop();
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});

/** Runs schemathesis against the test API; resolves with its exit code and what it printed. */
function schemathesis(options: { headers?: string[] } = {}): Promise<{ exitCode: number | null; output: string }> {
  const args = [
    '--config-file', path.join(HOOKS_DIRECTORY, 'schemathesis.toml'),
    'run', openApiSpecPath,
    '--url', api.url,
    '--checks', CHECKS,
    '--seed', SEED,
    '--max-examples', MAX_EXAMPLES,
    // One worker: with two, schemathesis describes strategies from two threads, and CPython 3.11's
    // ast.parse can then fail with "AST constructor recursion depth mismatch" (python/cpython#106905),
    // a crash of the tool reported as a runtime error, not a finding about the API.
    '--workers', '1',
    '--generation-database', 'none',
    '--no-color',
    ...(options.headers ?? []).flatMap((header) => ['--header', header]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(requireTestEnv('TEST_SCHEMATHESIS_BIN'), args, {
      cwd: workDirectory,
      env: { ...process.env, SCHEMATHESIS_HOOKS: 'contract_hooks', PYTHONPATH: HOOKS_DIRECTORY, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

/** The failures section and summary: what a reader needs when the run fails, without the noise. */
function findings(output: string): string {
  const start = output.indexOf('FAILURES');
  return (start === -1 ? output : output.slice(start)).slice(0, 20_000);
}

describe('requests generated from openapi.yaml', () => {
  test('with an access token, every answer is one the contract describes', { timeout: 300_000 }, async () => {
    const run = await schemathesis({ headers: [`Authorization: Bearer ${accessToken}`] });
    expect(run.output).toMatch(/Test cases:\s+\d+ generated/);
    expect(run.exitCode, findings(run.output)).toBe(0);
  });

  test('without credentials, every answer is one the contract describes', { timeout: 300_000 }, async () => {
    const run = await schemathesis();
    expect(run.output).toMatch(/Test cases:\s+\d+ generated/);
    expect(run.exitCode, findings(run.output)).toBe(0);
  });
});
