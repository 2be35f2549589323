// `npm run screenshots`: the README's pictures, taken from a real `npm start` (embedded defaults, a
// throwaway data directory) with seeded data, in Debian's Chromium. Run it after a change to the
// dashboard so the pictures never go stale. Writes docs/screenshots/*.png.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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

const browser = await launchBrowser();
try {
  await started;
  await seed();
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
  console.log(`screenshots written to ${path.relative(root, outDir)}/`);
} finally {
  await browser.close();
  // npm start runs the API and the dashboard in one process group.
  if (baketsu.pid) process.kill(-baketsu.pid, 'SIGTERM');
  await new Promise((resolve) => baketsu.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}

/** An account with a few files of different kinds, so every panel has something to show. */
async function seed(): Promise<void> {
  const anonymous = new Baketsu({ baseUrl: apiUrl });
  await anonymous.auth.register({ email, password });
  const { access_token } = await anonymous.auth.login({ email, password });
  const client = new Baketsu({ baseUrl: apiUrl, accessToken: access_token });
  const files: Array<[string, string, number]> = [
    ['quarterly-report.pdf', 'application/pdf', 3 * MiB],
    ['team-offsite.jpg', 'image/jpeg', 6 * MiB],
    ['product-demo.mp4', 'video/mp4', 24 * MiB],
    ['customers.csv', 'text/csv', 512 * 1024],
    ['backup-2026-12.tar.gz', 'application/gzip', 12 * MiB],
  ];
  for (const [name, contentType, size] of files) {
    await client.files.upload(new Blob([new Uint8Array(size).fill(name.length)], { type: contentType }), { name, contentType });
  }
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
