// Idempotency-Key for requests that must not run twice when a client retries them (presign, which
// reserves storage). As Stripe does it: the first request with a key runs and its answer is kept
// for a day; a retry with the same key and the same request gets that answer again; the same key
// with a different request, or while the first is still running, is refused.
import { createHash } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import { errors } from './errors.js';
import type { FieldCheck } from './field-problems.js';

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
// A first request that has not answered in this long died with its process: the key is free again.
const ABANDONED_CLAIM_MS = 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

export interface Answer<T> {
  status: number;
  body: T;
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

const claim = z.object({ claimed: z.boolean() });
const keptAnswer = z.object({ fingerprint: z.string(), status_code: z.number().nullable(), body: z.unknown() });

/** An `Idempotency-Key` the schema refuses is still `invalid_idempotency_key` (see field-problems.ts). */
export function idempotencyKeyCheck(method: string, path: RegExp): FieldCheck {
  return {
    method,
    path,
    field: '/headers/idempotency-key',
    check(value) {
      if (typeof value === 'string' && !KEY_PATTERN.test(value)) throw errors.invalidIdempotencyKey();
    },
  };
}

/**
 * Runs `work` once per (account, key). Without a key it simply runs. Failures (thrown problems
 * included) are not kept, so a retry after one runs again.
 */
export async function idempotently<T>(
  deps: { pool: DatabasePool; clock: Clock },
  scope: { accountId: string; key: string | undefined; request: unknown },
  work: () => Promise<{ status: number; body: T }>,
): Promise<Answer<T>> {
  if (scope.key === undefined) return { ...(await work()), replayed: false };
  if (!KEY_PATTERN.test(scope.key)) throw errors.invalidIdempotencyKey();
  const { pool, clock } = deps;
  const fingerprint = createHash('sha256').update(JSON.stringify(scope.request)).digest('base64url');
  const now = clock.now().getTime();
  const claimed = await pool.maybeOneFirst(sql.type(claim)`
    insert into idempotency_keys (account_id, key, fingerprint, created_at)
    values (${scope.accountId}, ${scope.key}, ${fingerprint}, ${sql.timestamp(new Date(now))})
    on conflict (account_id, key) do update
      set fingerprint = excluded.fingerprint, status_code = null, body = null, created_at = excluded.created_at
      where idempotency_keys.created_at < ${sql.timestamp(new Date(now - IDEMPOTENCY_KEY_TTL_MS))}
        or (idempotency_keys.status_code is null and idempotency_keys.created_at < ${sql.timestamp(new Date(now - ABANDONED_CLAIM_MS))})
    returning true as claimed`);
  if (claimed === null) {
    const kept = await pool.maybeOne(sql.type(keptAnswer)`
      select fingerprint, status_code, body from idempotency_keys where account_id = ${scope.accountId} and key = ${scope.key}`);
    // Gone between the two statements (expired and pruned): too unlikely to be worth a loop.
    if (kept === null || kept.status_code === null) throw errors.idempotencyKeyInUse();
    if (kept.fingerprint !== fingerprint) throw errors.idempotencyKeyReused();
    return { status: kept.status_code, body: kept.body as T, replayed: true };
  }
  let answer: { status: number; body: T };
  try {
    answer = await work();
  } catch (error) {
    // Frees the key for a retry; if even that fails, the claim counts as abandoned after a minute.
    await pool
      .query(sql.unsafe`delete from idempotency_keys where account_id = ${scope.accountId} and key = ${scope.key}`)
      .catch(() => undefined);
    throw error;
  }
  await pool.query(sql.unsafe`
    update idempotency_keys set status_code = ${answer.status}, body = ${sql.jsonb(answer.body as never)}
    where account_id = ${scope.accountId} and key = ${scope.key}`);
  return { ...answer, replayed: false };
}

/** Keys older than a day are answered no more; their rows go. */
export async function pruneIdempotencyKeys(deps: { pool: DatabasePool; clock: Clock }): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS);
  const result = await deps.pool.query(sql.unsafe`delete from idempotency_keys where created_at < ${sql.timestamp(cutoff)}`);
  return result.rowCount;
}
