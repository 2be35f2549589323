// Multipart uploads in flight, remembered across reloads. Only ids and file facts are kept — never a
// token — so the next visit can ask the server which parts it already holds and send the rest.
const KEY = 'baketsu.pending-uploads';
const MAX_AGE_MS = 24 * 3600 * 1000;

export interface PendingUpload {
  uploadId: string;
  name: string;
  size: number;
  lastModified: number;
  savedAt: number;
}

export function fingerprint(file: { name: string; size: number; lastModified: number }): string {
  return `${file.name}:${file.size}:${file.lastModified}`;
}

function readAll(): Record<string, PendingUpload> {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, PendingUpload>;
    const fresh = Object.entries(parsed).filter(([, entry]) => Date.now() - entry.savedAt < MAX_AGE_MS);
    return Object.fromEntries(fresh);
  } catch {
    return {};
  }
}

function writeAll(entries: Record<string, PendingUpload>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(entries));
  } catch {
    // Private mode or a full quota: resuming is a convenience, uploading still works.
  }
}

export const resumeStore = {
  list: (): PendingUpload[] => Object.values(readAll()),
  find: (file: File): PendingUpload | undefined => readAll()[fingerprint(file)],
  save(file: File, uploadId: string): void {
    writeAll({ ...readAll(), [fingerprint(file)]: { uploadId, name: file.name, size: file.size, lastModified: file.lastModified, savedAt: Date.now() } });
  },
  remove(file: { name: string; size: number; lastModified: number }): void {
    const entries = readAll();
    delete entries[fingerprint(file)];
    writeAll(entries);
  },
};
