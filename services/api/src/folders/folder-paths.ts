// Paths are '/'-joined names. Every segment obeys the file name rules (file-input.ts: NFC, no
// controls, no "\", not "." or ".."), and there are no empty segments, so a path has exactly one
// spelling. Lengths are bounded so that any file's full path fits in 1024 bytes (S3's key limit,
// which is what users who export or mirror their files will meet): folders take at most 768 bytes,
// a name at most 255, plus the '/' between.
import { checkName, MAX_NAME_BYTES } from '#src/files/file-input.js';
import { errors } from '#src/platform/errors.js';

export const MAX_FOLDER_PATH_BYTES = 768;
export const MAX_FILE_PATH_BYTES = MAX_FOLDER_PATH_BYTES + 1 + MAX_NAME_BYTES;

export const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

type Checked = { segments: string[] } | { problem: string };

function checkSegments(raw: string): Checked {
  if (raw.length === 0) return { problem: 'must not be empty' };
  const parts = raw.split('/');
  if (parts.some((part) => part.length === 0)) return { problem: 'must not have empty segments (leading, trailing or doubled "/")' };
  const segments: string[] = [];
  for (const part of parts) {
    const checked = checkName(part);
    if ('problem' in checked) return { problem: `has a segment that ${checked.problem}` };
    segments.push(checked.name);
  }
  return { segments };
}

/** A file's path as given at presign: the folders to create or find, then the file's name. */
export function validFilePath(raw: string, field = '/body/name'): { folders: string[]; name: string } {
  const checked = checkSegments(raw);
  if ('problem' in checked) throw errors.invalidFileName(field, checked.problem);
  const name = checked.segments.pop()!;
  if (byteLength(checked.segments.join('/')) > MAX_FOLDER_PATH_BYTES) {
    throw errors.invalidFileName(field, `must have folders of at most ${MAX_FOLDER_PATH_BYTES} bytes of UTF-8 in all`);
  }
  return { folders: checked.segments, name };
}

/** Folder names relative to some folder; `parentPath` is that folder's path ('' for the root). */
export function validFolderPath(raw: string, parentPath: string, field = '/body/path'): string[] {
  const checked = checkSegments(raw);
  if ('problem' in checked) throw errors.invalidFolderName(field, checked.problem);
  checkFolderPathLength(joinPath(parentPath, checked.segments.join('/')), field);
  return checked.segments;
}

/** One folder name, as for a rename. */
export function validFolderName(raw: string, field = '/body/name'): string {
  const checked = checkName(raw);
  if ('problem' in checked) throw errors.invalidFolderName(field, `has a name that ${checked.problem}`);
  return checked.name;
}

export function checkFolderPathLength(path: string, field: string): void {
  checkFolderPathBytes(byteLength(path), field);
}

export function checkFolderPathBytes(bytes: number, field: string): void {
  if (bytes > MAX_FOLDER_PATH_BYTES) {
    throw errors.invalidFolderName(field, `must be at most ${MAX_FOLDER_PATH_BYTES} bytes of UTF-8 from the root, for every folder inside too`);
  }
}

export const joinPath = (parent: string, name: string) => (parent === '' ? name : `${parent}/${name}`);

/**
 * The first path after every path inside `path` in byte order ('0' follows '/'), so a subtree is
 * the index range [path + '/', subtreeEnd(path)).
 */
export const subtreeStart = (path: string) => `${path}/`;
export const subtreeEnd = (path: string) => `${path}0`;

/** 'a/b/c' → ['a', 'a/b']: the paths of the folders above. */
export function ancestorPaths(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
}
