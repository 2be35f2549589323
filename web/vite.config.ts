// The app's own Vite config (Remix plugin). Vitest never loads it: tests use the root vitest.config.ts.
import { fileURLToPath } from 'node:url';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

// The SDK is compiled into the dashboard's bundles from its TypeScript source (the client for the
// server, the browser entry for upload pages), so building the dashboard never depends on the SDK
// having been built first.
const sdkSource = fileURLToPath(new URL('../sdk/src/index.node.ts', import.meta.url));
const sdkBrowserSource = fileURLToPath(new URL('../sdk/src/browser.ts', import.meta.url));

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
  resolve: { alias: [{ find: /^@baketsu\/sdk$/, replacement: sdkSource }, { find: /^@baketsu\/sdk\/browser$/, replacement: sdkBrowserSource }] },
  ssr: { noExternal: ['@baketsu/sdk'] },
  build: { target: 'es2022' },
  server: { port: 3000 },
});
