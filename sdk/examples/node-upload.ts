// Upload a file from a Node script, with progress, then print a download link. Ctrl-C pauses: the
// upload stays pending, and running the script again with the id it printed resumes it.
//   BAKETSU_URL=http://localhost:8000 BAKETSU_API_KEY=bk_... npx tsx node-upload.ts ./photo.jpg [uploadId]
import { AbortError, AuthenticationError, Baketsu, BaketsuError, type UploadTask } from '@baketsu/sdk';

const [path, resumeId] = process.argv.slice(2);
if (!path) throw new Error('usage: node-upload.ts <file> [uploadId to resume]');

const baketsu = new Baketsu({ baseUrl: process.env.BAKETSU_URL ?? 'http://localhost:8000', apiKey: process.env.BAKETSU_API_KEY ?? '' });

const options = {
  tags: ['from-script'],
  onProgress: ({ loaded, total }: { loaded: number; total: number }) => process.stderr.write(`\r${((100 * loaded) / total).toFixed(1)}%`),
  // Keep the id somewhere durable to finish after a crash: baketsu.uploads.resume(uploadId, path).
  onStart: ({ uploadId }: { uploadId: string }) => process.stderr.write(`upload ${uploadId}\n`),
};
const upload: UploadTask = resumeId ? baketsu.uploads.resume(resumeId, path, options) : baketsu.files.upload(path, options);
process.once('SIGINT', () => upload.pause());

try {
  const file = await upload;
  const { url } = await baketsu.files.downloadUrl(file.id);
  console.log(JSON.stringify({ id: file.id, name: file.name, size: file.size, url }));
} catch (error) {
  process.exitCode = 1;
  if (error instanceof AbortError && error.code === 'paused') console.error(`\nPaused. Resume with: npx tsx node-upload.ts ${path} ${error.uploadId}`);
  else if (error instanceof AuthenticationError) console.error('\nCheck BAKETSU_API_KEY:', error.message);
  else if (error instanceof BaketsuError) {
    // Every failure the SDK raises is a BaketsuError; one that ended an upload carries its id.
    console.error(`\n${error.name}${error.code ? ` (${error.code})` : ''}: ${error.message}`);
    if (error.uploadId) console.error(`Upload ${error.uploadId} may be resumable: npx tsx node-upload.ts ${path} ${error.uploadId}`);
  } else console.error('\n', error);
}
