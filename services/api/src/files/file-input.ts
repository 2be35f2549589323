// Validation of what clients declare about a file. Names are display names only (object keys are
// chosen by the server), but they travel into Content-Disposition headers, dashboards and exports,
// so they are normalised and stripped of anything that could be read as a path or a control.
import { errors } from '#src/platform/errors.js';
import { CONTROL_CHARACTERS } from '#src/platform/text.js';
import { partSizeProblem } from './multipart-plan.js';

export const MAX_NAME_BYTES = 255;
// Bidi overrides can make `evil.exe` display as `exe.live`.
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function validFileName(raw: string, field = '/body/name'): string {
  const checked = checkName(raw);
  if ('problem' in checked) throw errors.invalidFileName(field, checked.problem);
  return checked.name;
}

/** One name (of a file or a folder): NFC-normalised, or what is wrong with it. */
export function checkName(raw: string): { name: string } | { problem: string } {
  if (LONE_SURROGATE.test(raw)) return { problem: 'must be valid Unicode' };
  const name = raw.normalize('NFC');
  if (name.trim().length === 0) return { problem: 'must not be empty' };
  if (name !== name.trim()) return { problem: 'must not start or end with whitespace' };
  if (CONTROL_CHARACTERS.test(name)) return { problem: 'must not contain control characters' };
  if (BIDI_OVERRIDE.test(name)) return { problem: 'must not contain bidirectional override characters' };
  if (/[/\\]/.test(name)) return { problem: 'must not contain "/" or "\\"' };
  if (name === '.' || name === '..') return { problem: 'must not be "." or ".."' };
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return { problem: `must be at most ${MAX_NAME_BYTES} bytes of UTF-8` };
  return { name };
}

// RFC 9110 media type without parameters: parameters are not bound by storage, so they are refused
// rather than silently dropped.
const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);

export function validContentType(raw: string, allowed: readonly string[]): string {
  const contentType = raw.trim().toLowerCase();
  const match = MEDIA_TYPE.exec(contentType);
  if (!match) throw errors.invalidContentType(raw);
  if (!contentTypeAllowed(contentType, allowed)) throw errors.contentTypeNotAllowed(contentType, allowed);
  return contentType;
}

export function contentTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const [family] = contentType.split('/');
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule === '*/*' || rule === contentType || (rule.endsWith('/*') && rule.slice(0, -2) === family);
  });
}

/** Accepts hex (64 digits) or base64 (S3's format); returns base64. */
export function validSha256(raw: string): string {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex').toString('base64');
  if (/^[A-Za-z0-9+/]{43}=$/.test(raw)) return raw;
  throw errors.invalidChecksum();
}

/** A part size the client chose: 5 MiB to 5 GiB, and at most 10,000 parts for `size` bytes. */
export function validPartSize(size: number, partSize: number): number {
  const problem = partSizeProblem(size, partSize);
  if (problem !== null) throw errors.invalidPartSize(problem);
  return partSize;
}

export function sha256Hex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

export const MAX_TAG_LENGTH = 64;
// openapi.yaml's `Tag`: judged as sent, so the schema and this check always agree. Combining marks
// may follow the first character: scripts such as Devanagari or Thai cannot be written without them.
const TAG = /^ *[\p{L}\p{N}][\p{L}\p{M}\p{N} _.:+-]*$/u;

/** Tags are compared case-insensitively, so they are stored lower-cased, NFC, deduplicated, sorted. */
export function validTags(raw: readonly string[], maxTags: number): string[] {
  for (const tag of raw) {
    if (tag.length === 0 || [...tag].length > MAX_TAG_LENGTH) {
      throw errors.invalidTags(`each tag must be 1 to ${MAX_TAG_LENGTH} characters`);
    }
    if (!TAG.test(tag)) throw errors.invalidTags(`"${tag}" must start with a letter or digit and hold only letters, digits, space and _ . : + -`);
  }
  const tags = [...new Set(raw.map((tag) => tag.normalize('NFC').trim().toLowerCase()))].sort();
  if (tags.length > maxTags) throw errors.invalidTags(`at most ${maxTags} tags per file`);
  return tags;
}
