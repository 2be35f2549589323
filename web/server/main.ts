// `npm start -w @baketsu/web` (built app) and `npm run dev -w @baketsu/web` (Vite).
import path from 'node:path';
import { startDashboard, webRoot } from './dashboard.js';

const dashboard = await startDashboard({
  dev: process.argv.includes('--dev'),
  buildIfStale: true,
  dataDir: process.env.DATA_DIR ?? path.join(webRoot, '..', '.baketsu'),
  port: Number(process.env.WEB_PORT ?? process.env.PORT ?? 3000),
  host: process.env.WEB_HOST ?? process.env.HOST ?? '127.0.0.1',
});
console.log(`Dashboard on ${dashboard.url} (API ${dashboard.env.API_URL})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dashboard.close().then(() => process.exit(0)));
}
