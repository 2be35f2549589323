// `npm start`: the whole of Baketsu on one machine with nothing installed. With no configuration it
// runs on embedded defaults (PGlite under .baketsu/, local-disk object store, the outbox as the
// event log, ledger-only billing); set DATABASE_URL and friends (see .env.example) to use real servers.
// This is the one process that runs the API and metering together: PGlite serves a single
// connection, so metering folds the outbox on the API's own pool, as one of the API's workers.
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import { startDashboard } from '@baketsu/web';
import type { InProcessWorker } from '../services/api/src/compose-api.js';
import { main as startApi } from '../services/api/src/main.js';

// With PostgreSQL the metering service runs on its own (npm run metering) unless asked to run here.
const embeddedMetering: InProcessWorker = ({ config, database, logger, registry }) => {
  const runHere = config.METERING_IN_PROCESS === 'true' || (config.METERING_IN_PROCESS === 'auto' && database.kind === 'pglite');
  return runHere ? startEmbeddedMetering({ pool: database.pool, logger: logger.child({ service: 'metering' }), intervalMs: 250, registry }) : undefined;
};

const api = await startApi({ workers: [embeddedMetering] });
// Read through the API's settings, whose CORS_ORIGINS and DASHBOARD_URL follow this port unless set.
const dashboardPort = api.config.DASHBOARD_PORT;
const dashboard = await startDashboard({
  apiUrl: api.url,
  port: dashboardPort,
  // The API's own HOST/PORT must not leak into the dashboard's settings.
  env: { ...process.env, PORT: String(dashboardPort) },
  dataDir: api.config.DATA_DIR,
  buildIfStale: true,
});
// Uploads go from the browser straight to storage, whose CORS allows http://localhost:<DASHBOARD_PORT> by default.
process.stdout.write(`  dashboard  http://localhost:${dashboardPort}  (listening on ${dashboard.url})\n\n`);
