// `npm start` runs on PGlite with one connection: the dispatcher's fan-out (the outbox horizon),
// claim (FOR UPDATE SKIP LOCKED), batched recording and replay must work there as on PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { systemClock } from '@baketsu/platform/clock';
import { startEmbeddedPostgres } from '@baketsu/platform/database';
import { migrate } from '@baketsu/platform/migrations';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { expect, test } from 'vitest';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { createLogger } from '#src/platform/logger.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { startWebhookReceiver } from './testing/receiver.js';
import { verifies } from './testing/webhook-test-kit.js';
import { createWebhook, replayWebhook } from './webhook-service.js';

test('webhooks are fanned out, sent, recorded and replayed on embedded PGlite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-pglite-webhooks-'));
  const database = await startEmbeddedPostgres(dataDir);
  const receiver = await startWebhookReceiver();
  try {
    await migrate({ connectionUrl: database.connectionUrl, ...apiMigrations });
    const { pool } = database;
    const accountId = uuidv7();
    await pool.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${accountId}, 'pglite@example.com', 'x')`);
    const deps = { pool, clock: systemClock, config: { WEBHOOKS_ALLOW_PRIVATE_URLS: true, WEBHOOK_MAX_ENDPOINTS: 20, MAX_TAGS_PER_FILE: 20 } };
    const endpoint = await createWebhook(deps, accountId, { url: receiver.url, event_types: ['file.stored'] });
    const events = Array.from({ length: 5 }, (_, i) =>
      fileEvent('file.stored', uuidv7(), { file_id: uuidv7(), account_id: accountId, size_bytes: i + 1, content_type: 'text/plain', stored_at: new Date().toISOString() }),
    );
    await pool.transaction((tx) => appendAllToOutbox(tx, events));
    const dispatcher = startWebhookDispatcher(
      { pool, clock: systemClock, wallClock: systemClock, logger: createLogger('silent'), allowPrivateUrls: true, timeoutMs: 2000, disableAfterMs: 86_400_000, dashboardUrl: 'http://localhost:5173', concurrency: 8, pollMs: 20 },
      { poll: false },
    );
    expect(await dispatcher.runOnce()).toEqual({ fannedOut: 5, sent: 5 });
    expect(receiver.received.map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(receiver.received.every((r) => verifies(r, endpoint.secret))).toBe(true);
    expect(await pool.oneFirst(sql.unsafe`select count(*)::int from webhook_deliveries where status = 'delivered'`)).toBe(5);

    expect(await replayWebhook(deps, accountId, endpoint.id, { event_id: events[0]!.id })).toEqual({ replayed: 1 });
    expect(await dispatcher.runOnce()).toEqual({ fannedOut: 0, sent: 1 });
    expect(receiver.received.filter((r) => r.id === events[0]!.id)).toHaveLength(2);
    await dispatcher.stop();
  } finally {
    await receiver.stop();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
