// The API image's build, replayed without Docker: the Dockerfile's COPY, ENV and RUN steps in order
// in a scratch folder, then its CMD. An image once ran code its install step had not set up (a
// patch applied before it was copied, so HEAD answered 405 there and not in development); this
// catches any step that depends on something copied only later.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TEST_JWT_SECRET } from './testing/index.js';
import type { TestDatabase } from '@baketsu/platform/testing';
import { createTestDatabase } from './testing/api-test-database.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dockerfile = path.join(repositoryRoot, 'services/api/Dockerfile');

type Step = { kind: 'copy'; sources: string[]; destination: string } | { kind: 'env'; values: Record<string, string> } | { kind: 'run'; command: string };

/** The build steps of a single-stage Dockerfile, and the command it starts. */
function parseDockerfile(text: string): { steps: Step[]; cmd: string[] } {
  const steps: Step[] = [];
  let cmd: string[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim())) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const words = rest.filter((word) => !word.startsWith('--'));
    switch (instruction.toUpperCase()) {
      case 'COPY':
        if (rest.some((word) => word.startsWith('--from'))) throw new Error(`multi-stage COPY is not replayed: ${line}`);
        steps.push({ kind: 'copy', sources: words.slice(0, -1), destination: words.at(-1) ?? '.' });
        break;
      case 'ENV':
        steps.push({ kind: 'env', values: Object.fromEntries(words.map((pair) => pair.split('=', 2) as [string, string])) });
        break;
      case 'RUN':
        steps.push({ kind: 'run', command: line.slice(instruction.length).trim() });
        break;
      case 'CMD':
        cmd = JSON.parse(line.slice(instruction.length)) as string[];
        break;
      default: // FROM, WORKDIR, EXPOSE, USER and comments change nothing here.
    }
  }
  return { steps, cmd };
}

/**
 * The environment of a fresh container: none of this test runner's npm or Vitest settings, and
 * NODE_ENV only as the Dockerfile sets it (`development` until then, which npm treats as unset).
 */
function containerEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && !key.startsWith('VITEST'));
  return { ...Object.fromEntries(kept), NODE_ENV: 'development', ...extra };
}

async function replay(steps: Step[], workdir: string): Promise<Record<string, string>> {
  const environment: Record<string, string> = {};
  for (const step of steps) {
    if (step.kind === 'env') Object.assign(environment, step.values);
    else if (step.kind === 'copy') {
      const intoDirectory = step.destination.endsWith('/') || step.sources.length > 1;
      for (const source of step.sources) {
        const target = path.join(workdir, intoDirectory ? path.join(step.destination, path.basename(source)) : step.destination);
        await mkdir(path.dirname(target), { recursive: true });
        // A fresh clone, which images are built from, has no node_modules to copy.
        await cp(path.join(repositoryRoot, source), target, { recursive: true, filter: (from) => path.basename(from) !== 'node_modules' });
      }
    } else {
      const [program = '', ...args] = step.command.split(/\s+/);
      // The same install, from the machine's npm cache where it can (the registry otherwise).
      const offline = program === 'npm' && args[0] === 'ci' ? ['--prefer-offline', '--no-audit', '--no-fund'] : [];
      await run(program, [...args, ...offline], { cwd: workdir, env: containerEnvironment(environment), maxBuffer: 16 * 1024 * 1024 });
    }
  }
  return environment;
}

/** Starts the image's command and resolves with the URL it reports listening on. */
function start(cmd: string[], workdir: string, environment: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const [program = '', ...args] = cmd;
  // Its own process group: npx, tsx and the API are three processes, and all of them must stop.
  const child = spawn(program, args, { cwd: workdir, env: environment, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${cmd.join(' ')} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'Baketsu API listening' && entry.url) resolve({ child, url: entry.url });
    });
  });
}

let scratch: string;
let database: TestDatabase;
let api: { child: ChildProcess; url: string } | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'baketsu-image-'));
  database = await createTestDatabase();
  const { steps, cmd } = parseDockerfile(await readFile(dockerfile, 'utf8'));
  const imageEnvironment = await replay(steps, scratch);
  api = await start(
    cmd,
    scratch,
    containerEnvironment({
      ...imageEnvironment,
      // What docker-compose.yml sets for the api, apart from its neighbours' addresses.
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.connectionUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: path.join(scratch, 'data'),
      LOG_LEVEL: 'info',
    }),
  );
}, 600_000);

/** Stops every process the command started; its output pipes close once the last of them has exited. */
async function stop({ child }: { child: ChildProcess }): Promise<void> {
  const closed = [child.stdout, child.stderr].map((stream) => new Promise((resolve) => stream?.once('close', resolve)));
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  await Promise.all(closed);
}

afterAll(async () => {
  if (api) await stop(api);
  await database?.drop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('the image installs what it runs: its API answers HEAD on a GET route like the development server', async () => {
  const url = api?.url;
  expect((await fetch(`${url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  const me = await fetch(`${url}/v1/me`, { method: 'HEAD' });
  expect(me.status).toBe(401);
  expect((await fetch(`${url}/v1/me`, { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD, PATCH');
});
