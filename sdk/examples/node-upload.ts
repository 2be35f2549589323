// Upload a file from a Node script, with progress, then print a download link.
//   BAKETSU_URL=http://localhost:8000 BAKETSU_API_KEY=bk_... npx tsx node-upload.ts ./photo.jpg
import { AuthenticationError, Baketsu } from '@baketsu/sdk';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: node-upload.ts <file>');

const baketsu = new Baketsu({ baseUrl: process.env.BAKETSU_URL ?? 'http://localhost:8000', apiKey: process.env.BAKETSU_API_KEY ?? '' });

try {
  const file = await baketsu.files.upload(path, {
    onProgress: ({ loaded, total }) => process.stderr.write(`\r${((100 * loaded) / total).toFixed(1)}%`),
    // Keep the id somewhere durable to finish after a crash: baketsu.uploads.resume(uploadId, path).
    onStart: ({ uploadId }) => process.stderr.write(`upload ${uploadId}\n`),
  });
  await baketsu.files.update(file.id, { tags: ['from-script'] });
  const { url } = await baketsu.files.downloadUrl(file.id);
  console.log(JSON.stringify({ id: file.id, name: file.name, size: file.size, url }));
} catch (error) {
  if (error instanceof AuthenticationError) console.error('\nCheck BAKETSU_API_KEY:', error.message);
  process.exitCode = 1;
}
