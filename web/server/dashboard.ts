// The dashboard's HTTP server: built Remix app (or Vite in development) behind the cross-site guard.
// `startDashboard` is what `npm start` at the root and `npm start -w @baketsu/web` both call.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { parseEnv, setEnv, type DashboardEnv } from '../app/lib/env.server.js';
import { sendFetchResponse, toFetchRequest } from './node-adapter.js';
import { isCrossSiteMutation } from './origin-check.js';
import { persistedSessionSecret } from './session-secret.js';
import { staticFiles } from './static-files.js';

export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(webRoot, 'build');

export interface DashboardOptions {
  apiUrl?: string;
  port?: number;
  host?: string;
  /** Vite with hot reload instead of the built app. */
  dev?: boolean;
  /** Defaults to process.env; options above override it. */
  env?: Record<string, string | undefined>;
  /** Without SESSION_SECRET, a generated one is kept here (e.g. `.baketsu`). */
  dataDir?: string;
  /** Build web/build first when it is missing or older than its sources (first `npm start`, or after a pull). */
  buildIfStale?: boolean;
}

export interface Dashboard {
  url: string;
  env: DashboardEnv;
  close(): Promise<void>;
}

export function isBuilt(): boolean {
  return existsSync(path.join(buildDir, 'server', 'index.js'));
}

/**
 * Whether web/build is missing or older than a source it is made of: app/, and the SDK's source,
 * which vite.config.ts compiles in. Without this an `npm start` after a `git pull` served the old
 * dashboard. A directory that is not there (an image that ships only the build) counts as old.
 */
export async function buildIsStale(): Promise<boolean> {
  if (!isBuilt()) return true;
  const built = (await stat(path.join(buildDir, 'server', 'index.js'))).mtimeMs;
  const sources = await Promise.all([path.join(webRoot, 'app'), path.join(webRoot, '..', 'sdk', 'src')].map(newestModification));
  return Math.max(...sources) > built;
}

async function newestModification(directory: string): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  let newest = 0;
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestModification(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

/** `remix vite:build` into web/build (on a start that finds it missing or stale, and before browser tests). */
export async function buildDashboard(): Promise<void> {
  const cli = createRequire(import.meta.url).resolve('@remix-run/dev/dist/cli.js');
  // NODE_ENV as inherited (Vitest sets "test") would make Vite bundle React's development build.
  await promisify(execFile)(process.execPath, [cli, 'vite:build'], {
    cwd: webRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 32 * 1024 * 1024,
  });
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const source: Record<string, string | undefined> = { ...(options.env ?? process.env), ...(options.apiUrl ? { API_URL: options.apiUrl } : {}) };
  if (!source.SESSION_SECRET && options.dataDir) source.SESSION_SECRET = await persistedSessionSecret(options.dataDir);
  const env = parseEnv(source);
  setEnv(env);
  const dev = options.dev ?? false;
  if (!dev && options.buildIfStale && (await buildIsStale())) {
    console.log(`${isBuilt() ? 'Rebuilding the dashboard (its sources changed' : 'Building the dashboard (first start'}, about a minute)…`);
    await buildDashboard();
  }
  const handle = dev ? await developmentHandler() : await productionHandler();

  const server = createServer((req, res) => {
    securityHeaders(res);
    if (isCrossSiteMutation(req, env.ALLOWED_ORIGINS)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Cross-site request refused.');
      return;
    }
    handle.request(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('Internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    env,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.close();
    },
  };
}

interface Handler {
  request(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

async function productionHandler(): Promise<Handler> {
  if (!isBuilt()) throw new Error('The dashboard is not built: run `npm run build -w @baketsu/web`.');
  const build = (await import(pathToFileURL(path.join(buildDir, 'server', 'index.js')).href)) as ServerBuild;
  const remix = createRequestHandler(build, 'production');
  const assets = staticFiles(path.join(buildDir, 'client'));
  return {
    async request(req, res) {
      if (await assets(req, res)) return;
      await sendFetchResponse(res, await remix(toFetchRequest(req, res)));
    },
    close: async () => undefined,
  };
}

async function developmentHandler(): Promise<Handler> {
  const vite = await import('vite');
  const devServer = await vite.createServer({ root: webRoot, configFile: path.join(webRoot, 'vite.config.ts'), server: { middlewareMode: true } });
  const remix = createRequestHandler(() => devServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>, 'development');
  return {
    request: (req, res) =>
      new Promise<void>((resolve, reject) => {
        devServer.middlewares(req, res, () => {
          remix(toFetchRequest(req, res))
            .then((response) => sendFetchResponse(res, response))
            .then(resolve, reject);
        });
      }),
    close: () => devServer.close(),
  };
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
}
