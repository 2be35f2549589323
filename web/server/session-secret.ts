// With no SESSION_SECRET, `npm start` keeps one generated secret on disk, as the API does for its
// own secrets, so sessions survive restarts without any setup.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function persistedSessionSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'dashboard-session-secret');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 32) return existing.trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
