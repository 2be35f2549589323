// The codes a refused file field has always had (`invalid_file_name`, `invalid_tags`, ...), also
// when openapi.yaml's schema refuses it before the route runs: see platform/field-problems.ts.
import type { Config } from '#src/platform/config.js';
import { errors } from '#src/platform/errors.js';
import type { FieldCheck } from '#src/platform/field-problems.js';
import { idempotencyKeyCheck } from '#src/platform/idempotency.js';
import { validFilePath } from '#src/folders/folder-paths.js';
import { validContentType, validFileName, validPartSize, validSha256, validTags } from './file-input.js';

const PRESIGN = /^\/v1\/files\/presign$/;
const ONE_FILE = /^\/v1\/files\/[^/]+$/;

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

export function fileFieldChecks(config: Pick<Config, 'MAX_FILE_SIZE_BYTES' | 'ALLOWED_CONTENT_TYPES' | 'MAX_TAGS_PER_FILE'>): FieldCheck[] {
  const name = (value: unknown) => {
    if (typeof value === 'string') validFileName(value);
  };
  return [
    idempotencyKeyCheck('POST', PRESIGN),
    // At presign the name may be a path (`reports/2026/q4.pdf`); a rename takes one name.
    {
      method: 'POST',
      path: PRESIGN,
      field: '/body/name',
      check(value) {
        if (typeof value === 'string') validFilePath(value);
      },
    },
    {
      method: 'POST',
      path: PRESIGN,
      field: '/body/size',
      check(value) {
        if (Number.isInteger(value) && (value as number) > config.MAX_FILE_SIZE_BYTES) throw errors.fileTooLarge(value as number, config.MAX_FILE_SIZE_BYTES);
      },
    },
    {
      method: 'POST',
      path: PRESIGN,
      field: '/body/content_type',
      check(value) {
        if (typeof value === 'string') validContentType(value, config.ALLOWED_CONTENT_TYPES);
      },
    },
    {
      method: 'POST',
      path: PRESIGN,
      field: '/body/sha256',
      check(value) {
        if (typeof value === 'string') validSha256(value);
      },
    },
    {
      method: 'POST',
      path: PRESIGN,
      field: '/body/part_size',
      check(value, body) {
        if (Number.isInteger(value) && Number.isInteger(body['size'])) validPartSize(body['size'] as number, value as number);
      },
    },
    { method: 'PATCH', path: ONE_FILE, field: '/body/name', check: name },
    {
      method: 'PATCH',
      path: ONE_FILE,
      field: '/body/tags',
      check(value) {
        if (isStringList(value)) validTags(value, config.MAX_TAGS_PER_FILE);
      },
    },
  ];
}
