import { sql, UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';

export const accountRow = z.object({
  id: z.string(),
  email: z.string(),
  created_at: z.number(),
  email_verified_at: z.number().nullable(),
  display_name: z.string().nullable(),
  pending_email: z.string().nullable(),
});
export type AccountRow = z.infer<typeof accountRow>;

/** The columns of `accountRow`, from the accounts table aliased `a`. */
export const accountColumns = sql.fragment`a.id, a.email, a.created_at, a.email_verified_at, a.display_name, a.pending_email`;

const accountWithHash = accountRow.extend({ password_hash: z.string() });

const refreshTokenRow = z.object({
  session_id: z.string(),
  account_id: z.string(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});

export class EmailTakenError extends Error {}

export function authRepository(pool: DatabasePool) {
  return {
    async createAccount(connection: CommonQueryMethods, account: { id: string; email: string; passwordHash: string }): Promise<AccountRow> {
      try {
        return await connection.one(sql.type(accountRow)`
          insert into accounts as a (id, email, password_hash)
          values (${account.id}, ${account.email}, ${account.passwordHash})
          returning ${accountColumns}`);
      } catch (error) {
        if (error instanceof UniqueIntegrityConstraintViolationError) throw new EmailTakenError();
        throw error;
      }
    },

    findAccountByEmail: (email: string) =>
      pool.maybeOne(sql.type(accountWithHash)`
        select ${accountColumns}, a.password_hash from accounts a where a.email = ${email}`),

    /** The account behind an access token, provided its sign-in has not been revoked. */
    findAccountForSession: (accountId: string, sessionId: string) =>
      pool.maybeOne(sql.type(accountRow)`
        select ${accountColumns}
        from auth_sessions s join accounts a on a.id = s.account_id
        where s.id = ${sessionId} and s.account_id = ${accountId} and s.revoked_at is null and a.deletion_requested_at is null`),

    /** The account with its password hash, locked so concurrent password changes serialise. */
    lockAccountWithHash: (connection: CommonQueryMethods, accountId: string) =>
      connection.maybeOne(sql.type(accountWithHash)`
        select ${accountColumns}, a.password_hash from accounts a where a.id = ${accountId} for update`),

    async updatePasswordHash(connection: CommonQueryMethods, accountId: string, passwordHash: string, at: Date): Promise<void> {
      await connection.query(sql.unsafe`
        update accounts set password_hash = ${passwordHash}, updated_at = ${sql.timestamp(at)} where id = ${accountId}`);
    },

    /** Revokes every active sign-in of the account except `keepSessionId`. */
    async revokeOtherSessions(
      connection: CommonQueryMethods,
      accountId: string,
      keepSessionId: string,
      reason: string,
      at: Date,
    ): Promise<void> {
      await connection.query(sql.unsafe`
        update auth_sessions set revoked_at = ${sql.timestamp(at)}, revoked_reason = ${reason}
        where account_id = ${accountId} and id <> ${keepSessionId} and revoked_at is null`);
    },

    async createSession(
      connection: CommonQueryMethods,
      session: { id: string; accountId: string },
    ): Promise<void> {
      await connection.query(sql.unsafe`
        insert into auth_sessions (id, account_id) values (${session.id}, ${session.accountId})`);
    },

    async storeRefreshToken(
      connection: CommonQueryMethods,
      token: { hash: Buffer; sessionId: string; expiresAt: Date },
    ): Promise<void> {
      await connection.query(sql.unsafe`
        insert into refresh_tokens (token_hash, session_id, expires_at)
        values (${sql.binary(token.hash)}, ${token.sessionId}, ${sql.timestamp(token.expiresAt)})`);
    },

    /** Locks the token row so two concurrent refreshes of one token cannot both succeed. */
    lockRefreshToken: (connection: CommonQueryMethods, hash: Buffer) =>
      connection.maybeOne(sql.type(refreshTokenRow)`
        select t.session_id, s.account_id, t.expires_at, t.used_at, s.revoked_at
        from refresh_tokens t join auth_sessions s on s.id = t.session_id
        where t.token_hash = ${sql.binary(hash)}
        for update of t, s`),

    async markRefreshTokenUsed(connection: CommonQueryMethods, hash: Buffer, usedAt: Date): Promise<void> {
      await connection.query(sql.unsafe`
        update refresh_tokens set used_at = ${sql.timestamp(usedAt)} where token_hash = ${sql.binary(hash)}`);
    },

    async revokeSession(connection: CommonQueryMethods, sessionId: string, reason: string, at: Date): Promise<void> {
      await connection.query(sql.unsafe`
        update auth_sessions set revoked_at = ${sql.timestamp(at)}, revoked_reason = ${reason}
        where id = ${sessionId} and revoked_at is null`);
    },

    transaction: <T>(handler: (connection: CommonQueryMethods) => Promise<T>) => pool.transaction(handler),
  };
}

export type AuthRepository = ReturnType<typeof authRepository>;
