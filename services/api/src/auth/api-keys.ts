import { createHash, randomBytes } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import { errors } from '#src/platform/errors.js';
import { CONTROL_CHARACTERS } from '#src/platform/text.js';
import type { Scope } from './authenticate.js';
import { accountColumns, accountRow, type AccountRow } from './auth-repository.js';

export const API_KEY_PREFIX = 'bk_';
export const MAX_API_KEYS_PER_ACCOUNT = 50;
// last_used_at is informative; writing it on every request would turn reads into writes.
const LAST_USED_RESOLUTION_MS = 60_000;

const apiKeyRow = z.object({
  id: z.string(),
  name: z.string(),
  display_prefix: z.string(),
  scopes: z.array(z.enum(['read', 'write', 'delete'])),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
});
type ApiKeyRow = z.infer<typeof apiKeyRow>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: string;
  last_used_at: string | null;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.display_prefix,
  scopes: row.scopes,
  created_at: new Date(row.created_at).toISOString(),
  last_used_at: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
});

/** openapi.yaml's rule for `ApiKeyCreate.name`; the name is stored NFC and trimmed. */
export function validApiKeyName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw errors.validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  // NUL cannot be stored in PostgreSQL text, and no control character belongs in a label.
  if (CONTROL_CHARACTERS.test(name)) throw errors.validationFailed([{ path: '/body/name', message: 'must not contain control characters' }]);
  return name;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

export function apiKeyService(deps: { pool: DatabasePool; clock: Clock }) {
  const { pool, clock } = deps;
  return {
    /** The secret is returned here and never again. */
    async create(accountId: string, input: { name: string; scopes: Scope[] }): Promise<ApiKey & { secret: string }> {
      const name = validApiKeyName(input.name);
      const scopes = [...new Set(input.scopes)].sort();
      const count = await pool.oneFirst(sql.type(z.object({ count: z.number() }))`
        select count(*)::int as count from api_keys where account_id = ${accountId} and revoked_at is null`);
      if (count >= MAX_API_KEYS_PER_ACCOUNT) throw errors.tooManyApiKeys(MAX_API_KEYS_PER_ACCOUNT);
      const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const row = await pool.one(sql.type(apiKeyRow)`
        insert into api_keys (id, account_id, name, display_prefix, secret_hash, scopes)
        values (${uuidv7()}, ${accountId}, ${name}, ${secret.slice(0, 11)}, ${sql.binary(hashSecret(secret))},
                ${sql.array(scopes, 'text')})
        returning id, name, display_prefix, scopes, created_at, last_used_at`);
      return { ...toApiKey(row), secret };
    },

    async list(accountId: string): Promise<ApiKey[]> {
      const rows = await pool.any(sql.type(apiKeyRow)`
        select id, name, display_prefix, scopes, created_at, last_used_at from api_keys
        where account_id = ${accountId} and revoked_at is null
        order by created_at desc, id desc`);
      return rows.map(toApiKey);
    },

    /** Another account's key answers exactly like a missing one. */
    async revoke(accountId: string, id: string): Promise<void> {
      const revoked = await pool.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
        update api_keys set revoked_at = ${sql.timestamp(clock.now())}
        where id = ${id} and account_id = ${accountId} and revoked_at is null
        returning id`);
      if (revoked === null) throw errors.apiKeyNotFound(id);
    },

    async authenticate(secret: string): Promise<{ account: AccountRow; scopes: Scope[] }> {
      const found = await pool.maybeOne(sql.type(accountRow.extend({ key_id: z.string(), scopes: apiKeyRow.shape.scopes, last_used_at: z.number().nullable() }))`
        select ${accountColumns}, k.id as key_id, k.scopes, k.last_used_at
        from api_keys k join accounts a on a.id = k.account_id
        where k.secret_hash = ${sql.binary(hashSecret(secret))} and k.revoked_at is null and a.deletion_requested_at is null`);
      if (!found) throw errors.invalidToken('The API key is invalid or has been revoked.');
      const now = clock.now();
      if (found.last_used_at === null || now.getTime() - found.last_used_at > LAST_USED_RESOLUTION_MS) {
        await pool.query(sql.unsafe`update api_keys set last_used_at = ${sql.timestamp(now)} where id = ${found.key_id}`);
      }
      const { id, email, created_at, email_verified_at, display_name, pending_email } = found;
      return { account: { id, email, created_at, email_verified_at, display_name, pending_email }, scopes: found.scopes };
    },
  };
}

export type ApiKeyService = ReturnType<typeof apiKeyService>;
