// @baketsu/sdk vs @aws-sdk/lib-storage: a 1 GiB upload to versitygw with the same part size and
// concurrency, each in its own process (throughput ratio, peak RSS), plus the min+gzip size of the
// browser upload entry. Targets: ratio >= 1.0, SDK peak RSS <= lib-storage's, browser entry <= 15 kB.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`, then
//   npx tsx bench/sdk-upload.ts        (BENCH_SIZE_MIB=1024 BENCH_RUNS=2 by default)
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { startSdkTestApi } from '../sdk/test/support/api.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const runs = Number(process.env.BENCH_RUNS ?? 2);
const partSize = 16 * MIB;
const concurrency = 4;
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'node_modules', '.cache', 'baketsu-bench');

// 1. Browser entry size, as a bundler would ship it.
const browser = await build({ entryPoints: [path.join(here, '../sdk/src/browser.ts')], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false });
const browserBytes = browser.outputFiles[0]!.contents;
const gzipKb = gzipSync(browserBytes, { level: 9 }).length / 1000;

// 2. Upload children, bundled so that plain node runs them (no tsx in the measured RSS).
const child = path.join(outDir, 'sdk-upload-child.mjs');
await build({ entryPoints: [path.join(here, 'sdk-upload-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: child, logLevel: 'warning' });

const t = await startSdkTestApi('s3', { env: { VALIDATE_RESPONSES: 'false', MULTIPART_PART_SIZE_BYTES: String(partSize), LOG_LEVEL: 'silent' } });
const dir = await mkdtemp(path.join(tmpdir(), 'baketsu-bench-'));
const file = path.join(dir, 'bench.bin');
try {
  const out = createWriteStream(file);
  const block = randomBytes(MIB);
  for (let i = 0; i < sizeMiB; i++) {
    // Varied bytes so that nothing along the way can compress or dedupe them.
    const chunk = createHash('sha256').update(String(i)).digest();
    chunk.copy(block, 0);
    if (!out.write(Buffer.from(block))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));

  const settings = JSON.stringify({
    apiUrl: t.api.url,
    apiKey: t.apiKey,
    s3: {
      endpoint: t.api.config.S3_ENDPOINT,
      region: t.api.config.S3_REGION,
      accessKeyId: t.api.config.S3_ACCESS_KEY_ID,
      secretAccessKey: t.api.config.S3_SECRET_ACCESS_KEY,
      bucket: t.api.config.S3_BUCKET,
    },
    partSize,
    concurrency,
  });
  const results: Record<string, Array<{ seconds: number; peakRssMiB: number }>> = { sdk: [], 'lib-storage': [] };
  for (let run = 0; run < runs; run++) {
    for (const which of run % 2 === 0 ? ['sdk', 'lib-storage'] : ['lib-storage', 'sdk']) {
      const { stdout } = await promisify(execFile)(process.execPath, [child, which, file, settings], { maxBuffer: 1 << 20 });
      results[which]!.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; peakRssMiB: number });
    }
  }

  const best = (list: Array<{ seconds: number }>) => Math.min(...list.map((r) => r.seconds));
  const peak = (list: Array<{ peakRssMiB: number }>) => Math.max(...list.map((r) => r.peakRssMiB));
  const mbps = (seconds: number) => sizeMiB / seconds;
  const sdk = results.sdk!;
  const lib = results['lib-storage']!;
  console.log(`upload of ${sizeMiB} MiB to versitygw, part size ${partSize / MIB} MiB, concurrency ${concurrency}, ${runs} run(s) each, node ${process.version}`);
  for (const [name, list] of [['@baketsu/sdk', sdk], ['@aws-sdk/lib-storage', lib]] as const) {
    console.log(`  ${name.padEnd(22)} best ${best(list).toFixed(2)} s = ${mbps(best(list)).toFixed(1)} MiB/s; runs ${list.map((r) => r.seconds.toFixed(2)).join(', ')} s; peak RSS ${peak(list).toFixed(0)} MiB`);
  }
  const ratio = best(lib) / best(sdk);
  console.log(`  throughput ratio sdk : lib-storage = ${ratio.toFixed(2)} (target >= 1.00) ${ratio >= 1 ? 'MET' : 'NOT MET'}`);
  console.log(`  peak RSS sdk ${peak(sdk).toFixed(0)} MiB vs lib-storage ${peak(lib).toFixed(0)} MiB (target: no higher) ${peak(sdk) <= peak(lib) ? 'MET' : 'NOT MET'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await t.stop();
}
console.log(`browser entry (@baketsu/sdk/browser): ${(browserBytes.length / 1000).toFixed(1)} kB min, ${gzipKb.toFixed(1)} kB min+gzip (target <= 15 kB) ${gzipKb <= 15 ? 'MET' : 'NOT MET'}`);
