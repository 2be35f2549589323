// The shapes openapi.yaml gives the share endpoints, checked again where they are read: the OpenAPI
// validator checks them first today, but nothing here may turn a bad value into a 500 if it did not
// (a non-uuid id reaching PostgreSQL, a number where a password string belongs).
import { assertAcceptablePassword } from '#src/auth/credentials.js';
import type { FieldCheck } from '#src/platform/field-problems.js';
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

export const shareCreateBody = z
  .object({
    expires_at: z.string().datetime({ offset: true }).optional(),
    password: z.string().min(1).max(256).optional(),
    max_downloads: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const publicDownloadBody = z
  .object({ password: z.string().min(1).max(256).optional(), file_id: z.string().uuid().optional() })
  .strict();

export const publicFilesBody = z
  .object({
    password: z.string().min(1).max(256).optional(),
    limit: z.number().int().min(1).max(200).optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const shareListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2048).optional(),
  file_id: z.string().uuid().optional(),
  folder_id: z.string().uuid().optional(),
});

export const uuidParam = z.string().uuid();
export const tokenParam = z.string().min(1).max(128);

/** `value` as `schema` says, or a 400 `validation_failed` naming each field under `where` (`/body`, `/query`, `/path/id`). */
export function parseInput<T extends z.ZodTypeAny>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw errors.validationFailed(
    result.error.issues.map((issue) => ({ path: [where, ...issue.path].join('/'), message: issue.message })),
  );
}

/**
 * The contract refuses a short or blank link password with its schema; this gives that refusal the
 * same `weak_password` code an account password gets.
 */
export const shareFieldChecks: FieldCheck[] = [
  {
    method: 'POST',
    path: /^\/v1\/(files|folders)\/[^/]+\/shares$/,
    field: '/body/password',
    check(value) {
      if (typeof value === 'string') assertAcceptablePassword(value, '/body/password');
    },
  },
];
