// `npm start`: the whole of Baketsu on one machine with nothing installed. With no configuration it
// runs on embedded defaults (PGlite under .baketsu/, local-disk object store, the outbox as the
// event log, ledger-only billing); set DATABASE_URL and friends (see .env.example) to use real servers.
import { startDashboard } from '@baketsu/web';
import { main as startApi } from '../services/api/src/main.js';

const api = await startApi();
const dashboardPort = Number(process.env.DASHBOARD_PORT ?? 3000);
const dashboard = await startDashboard({
  apiUrl: api.url,
  port: dashboardPort,
  // The API's own HOST/PORT must not leak into the dashboard's settings.
  env: { ...process.env, PORT: String(dashboardPort) },
  dataDir: api.config.DATA_DIR,
  buildIfMissing: true,
});
// Uploads go from the browser straight to storage, whose CORS allows http://localhost:3000 by default.
process.stdout.write(`  dashboard  http://localhost:${dashboardPort}  (listening on ${dashboard.url})\n\n`);
