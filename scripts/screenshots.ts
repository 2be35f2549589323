// `npm run screenshots`: the README's pictures, taken from a real `npm start` (embedded defaults, a
// throwaway data directory) with seeded data, in Debian's Chromium. Run it after a change to the
// dashboard so the pictures never go stale. Writes docs/screenshots/*.png.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { Baketsu } from '../sdk/src/index.node.js';
import { launchBrowser, waitForHeading } from '../web/test/browser.js';

const { values: args } = parseArgs({
  options: {
    'api-port': { type: 'string', default: '18400' },
    'dashboard-port': { type: 'string', default: '13400' },
    out: { type: 'string', default: 'docs/screenshots' },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(root, args.out);
const apiUrl = `http://localhost:${args['api-port']}`;
const dashboardUrl = `http://localhost:${args['dashboard-port']}`;
const MiB = 1024 * 1024;
const email = 'ada@example.com';
const password = 'correct horse battery staple';

const dataDir = await mkdtemp(path.join(tmpdir(), 'baketsu-screenshots-'));
const baketsu = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: args['api-port'],
    DASHBOARD_PORT: args['dashboard-port'],
    DASHBOARD_URL: dashboardUrl,
    CORS_ORIGINS: dashboardUrl,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
const started = new Promise<void>((resolve, reject) => {
  let printed = '';
  baketsu.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    if (printed.includes('dashboard  http')) resolve();
  });
  baketsu.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was up:\n${printed}`)));
});

// A webhook receiver, so the endpoint page shows real deliveries (embedded mode allows local URLs).
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(204).end());
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/baketsu-events`;

const browser = await launchBrowser();
try {
  await started;
  const { webhookId } = await seed();
  await mkdir(outDir, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shoot = (name: string) => page.screenshot({ path: path.join(outDir, `${name}.png`) });

  await page.goto(`${dashboardUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', password);
  await shoot('sign-in');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.pathname !== '/login');

  await page.goto(`${dashboardUrl}/upload`);
  await waitForHeading(page, 'Upload');
  await uploadWithVisibleProgress(page);
  await shoot('upload-progress');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=upload-item]')].every((item) => item.getAttribute('data-state') === 'done'), null, { timeout: 120_000 });

  await page.goto(`${dashboardUrl}/files`);
  await waitForHeading(page, 'Files');
  await shoot('files');

  await page.goto(`${dashboardUrl}/dashboard`);
  await waitForHeading(page, 'Dashboard');
  await page.waitForSelector('.uplot canvas');
  await shoot('usage');

  await page.goto(`${dashboardUrl}/billing`);
  await waitForHeading(page, 'Billing');
  await shoot('billing');

  await page.goto(`${dashboardUrl}/folders`);
  await waitForHeading(page, 'Folders');
  await shoot('folders');

  await page.goto(`${dashboardUrl}/shares`);
  await waitForHeading(page, 'Shared links');
  await shoot('shares');

  await page.goto(`${dashboardUrl}/webhooks/${webhookId}`);
  await waitForHeading(page, receiverUrl);
  await shoot('webhook-deliveries');

  await page.goto(`${dashboardUrl}/lifecycle`);
  await waitForHeading(page, 'Lifecycle rules');
  // The rules sit below the new-rule form: the whole page, so both show.
  await page.screenshot({ path: path.join(outDir, 'lifecycle.png'), fullPage: true });
  console.log(`screenshots written to ${path.relative(root, outDir)}/`);
} finally {
  await browser.close();
  receiver.close();
  // npm start runs the API and the dashboard in one process group.
  if (baketsu.pid) process.kill(-baketsu.pid, 'SIGTERM');
  await new Promise((resolve) => baketsu.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * An account with a few files of different kinds in folders, two share links, a webhook endpoint
 * that has received their events and two lifecycle rules, so every page has something to show.
 */
async function seed(): Promise<{ webhookId: string }> {
  const anonymous = new Baketsu({ baseUrl: apiUrl });
  await anonymous.auth.register({ email, password });
  // Confirmed through the link npm start kept in its dev mailbox, as a person would: no banner.
  const [verification] = await anonymous.dev.mailbox({ to: email });
  const token = /[?&]token=([\w-]+)/.exec(verification?.text ?? '')?.[1];
  if (!token) throw new Error('no verification link in the dev mailbox');
  await anonymous.auth.verifyEmail(token);
  const { access_token } = await anonymous.auth.login({ email, password });
  const client = new Baketsu({ baseUrl: apiUrl, accessToken: access_token });
  const webhook = await client.webhooks.create({ url: receiverUrl, event_types: ['file.stored', 'file.deleted'] });
  const files: Array<[string, string, number]> = [
    ['Reports/quarterly-report.pdf', 'application/pdf', 3 * MiB],
    ['Photos/team-offsite.jpg', 'image/jpeg', 6 * MiB],
    ['Videos/product-demo.mp4', 'video/mp4', 24 * MiB],
    ['customers.csv', 'text/csv', 512 * 1024],
    ['Backups/backup-2026-12.tar.gz', 'application/gzip', 12 * MiB],
  ];
  const stored = [];
  for (const [name, contentType, size] of files) {
    stored.push(await client.files.upload(new Blob([new Uint8Array(size).fill(name.length)], { type: contentType }), { name, contentType }));
  }
  await client.files.share(stored[0]!.id);
  await client.folders.share((await client.folders.getByPath('Photos')).id);
  const backups = await client.folders.getByPath('Backups');
  await client.lifecycle.create({ name: 'Keep backups for 90 days', action: 'delete_older_than', days: 90, folder_id: backups.id });
  await client.lifecycle.create({ name: 'Abort uploads left for a day', action: 'abort_uploads', hours: 24 });
  // The picture shows every stored file's event delivered.
  for (const deadline = Date.now() + 30_000; ; ) {
    let delivered = 0;
    for await (const delivery of client.webhooks.deliveries(webhook.id)) if (delivery.status === 'delivered') delivered += 1;
    if (delivered >= files.length) break;
    if (Date.now() > deadline) throw new Error(`only ${delivered} of ${files.length} webhook deliveries arrived`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { webhookId: webhook.id };
}

/** A slowed uplink, so the picture catches the bars part way. */
async function uploadWithVisibleProgress(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * MiB });
  await page.setInputFiles('#file-picker', [
    { name: 'site-photos.zip', mimeType: 'application/zip', buffer: Buffer.alloc(16 * MiB, 7) },
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes\n') },
  ]);
  await page.waitForFunction(() => {
    const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="Progress of site-photos.zip"]');
    return bar !== null && bar.value > 0.2 * bar.max && bar.value < 0.8 * bar.max;
  }, null, { timeout: 60_000 });
}
