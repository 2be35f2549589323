// One measured upload, in its own process so its peak RSS (VmHWM) is its own:
//   node sdk-upload-child.mjs <sdk|lib-storage> <file> <json settings>
import { createReadStream, readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Baketsu } from '../sdk/src/index.node.js';

interface Settings {
  apiUrl: string;
  apiKey: string;
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  partSize: number;
  concurrency: number;
}

const [which, file, json] = process.argv.slice(2) as ['sdk' | 'lib-storage', string, string];
const settings = JSON.parse(json) as Settings;
const started = performance.now();
if (which === 'sdk') {
  const client = new Baketsu({ baseUrl: settings.apiUrl, apiKey: settings.apiKey }, { uploadConcurrency: settings.concurrency });
  await client.files.upload(file, { name: 'bench.bin' });
} else {
  const { s3 } = settings;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    // Same work as the SDK's presigned PUTs: no client-side checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const upload = new Upload({
    client,
    params: { Bucket: s3.bucket, Key: `bench/${Date.now()}`, Body: createReadStream(file) },
    partSize: settings.partSize,
    queueSize: settings.concurrency,
  });
  await upload.done();
  client.destroy();
}
const seconds = (performance.now() - started) / 1000;
const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
console.log(JSON.stringify({ seconds, peakRssMiB: peakKiB / 1024 }));
