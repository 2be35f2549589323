import express, { type Router } from 'express';
import { sql, type DatabasePool } from 'slonik';
import type { Registry } from 'prom-client';
import { errors } from './errors.js';

export function operationsRouter(deps: { pool: DatabasePool; registry: Registry; expectedMigrations: readonly string[] }): Router {
  const router = express.Router();

  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  router.get('/readyz', async (_request, response) => {
    let applied: readonly string[];
    try {
      applied = await deps.pool.anyFirst(sql.unsafe`select name from pgmigrations order by id`);
    } catch {
      throw errors.notReady('The database is unreachable or not migrated.');
    }
    const missing = deps.expectedMigrations.filter((name) => !applied.includes(name));
    if (missing.length > 0) throw errors.notReady(`Migrations not applied yet: ${missing.join(', ')}.`);
    response.json({ status: 'ok', checks: { database: 'ok', migrations: `${applied.length} applied` } });
  });

  router.get('/metrics', async (_request, response) => {
    response.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  return router;
}
