// The example app (examples/express-uploads.ts + examples/browser/index.html) served for real: its
// routes presign with the app's own Baketsu key, and the page loads the SDK's browser bundle.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Baketsu } from '../../src/index.node.js';
import { uploadRoutes } from '../../examples/express-uploads.js';

export interface AppServer {
  url: string;
  /** Serves the example app with this client (the port must be known before the API's CORS is set). */
  serve(baketsu: Baketsu, bundleDir: string, options?: { firstPartUrlOnly?: boolean }): void;
  /** Part-URL requests the page made through the app. */
  signCalls: number;
  close(): Promise<void>;
}

/**
 * `firstPartUrlOnly`: the app passes the page only the first part URL, so the page must ask for the
 * rest, as it would past the first 100 parts or after URLs expire.
 */
export async function startAppServer(): Promise<AppServer> {
  const state = { signCalls: 0 };
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get signCalls() {
      return state.signCalls;
    },
    serve: (baketsu, bundleDir, options = {}) => void server.on('request', exampleApp(baketsu, bundleDir, options, state)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function exampleApp(baketsu: Baketsu, bundleDir: string, options: { firstPartUrlOnly?: boolean }, state: { signCalls: number }) {
  const presign = baketsu.uploads.presign.bind(baketsu.uploads);
  const parts = baketsu.uploads.parts.bind(baketsu.uploads);
  // The example app only awaits the plan, so a plain Promise stands in for the APIPromise.
  baketsu.uploads.presign = (async (...args: Parameters<typeof presign>) => {
    const plan = await presign(...args);
    return options.firstPartUrlOnly && plan.parts ? { ...plan, parts: plan.parts.slice(0, 1) } : plan;
  }) as unknown as typeof presign;
  baketsu.uploads.parts = (...args) => {
    state.signCalls++;
    return parts(...args);
  };
  const app = express();
  app.get('/', (_req, res) => res.sendFile(fileURLToPath(new URL('../../examples/browser/index.html', import.meta.url))));
  app.use('/sdk', express.static(bundleDir));
  app.use(uploadRoutes(baketsu));
  return app;
}
