// `npm start` runs on PGlite with no SMTP server: a reset mail must still reach the person, through
// the dev mailbox, with the worker's claim (FOR UPDATE SKIP LOCKED) running on PGlite's one connection.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { composeApi } from '#src/compose-api.js';
import { parseConfig } from '#src/platform/config.js';
import { TEST_JWT_SECRET } from '#src/platform/testing/index.js';

test('embedded mode: the dev mailbox shows the reset mail', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-pglite-mail-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = await composeApi(
    parseConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, PUBLIC_URL: url, MAIL_POLL_INTERVAL_MS: '50' }),
  );
  server.on('request', api.app);
  api.workers.start();
  try {
    expect(api.database.kind).toBe('pglite');
    const post = (route: string, body: unknown) => fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/auth/register', { email: 'embedded@example.com', password: 'correct horse battery' })).status).toBe(201);
    expect((await post('/v1/auth/password-reset', { email: 'embedded@example.com' })).status).toBe(202);

    type Mailbox = { items: Array<{ template: string; text: string }> };
    let mailbox: Mailbox = { items: [] };
    for (let attempt = 0; attempt < 100 && !mailbox.items.some((mail) => mail.template === 'password_reset'); attempt += 1) {
      mailbox = (await (await fetch(`${url}/v1/dev/mailbox?to=embedded@example.com`)).json()) as Mailbox;
      if (!mailbox.items.some((mail) => mail.template === 'password_reset')) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const reset = mailbox.items.find((mail) => mail.template === 'password_reset');
    expect(reset?.text).toMatch(/http:\/\/localhost:3000\/reset-password\?token=[\w-]{43}/);
    const token = new URL(/http:\S+/.exec(reset!.text)![0]).searchParams.get('token');
    const confirmed = await post('/v1/auth/password-reset/confirm', { token, new_password: 'a new passphrase' });
    expect(confirmed.status).toBe(200);
    expect((await post('/v1/auth/login', { email: 'embedded@example.com', password: 'a new passphrase' })).status).toBe(200);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
