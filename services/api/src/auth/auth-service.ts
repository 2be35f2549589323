import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '@baketsu/platform/clock';
import { errors } from '#src/platform/errors.js';
import type { AccessTokens } from './access-tokens.js';
import type { CommonQueryMethods } from 'slonik';
import { EmailTakenError, type AccountRow, type AuthRepository } from './auth-repository.js';
import { assertAcceptablePassword, normalizeEmail, type PasswordHasher } from './credentials.js';

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export interface Account {
  id: string;
  email: string;
  created_at: string;
  email_verified: boolean;
  display_name: string | null;
  pending_email: string | null;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    created_at: new Date(row.created_at).toISOString(),
    email_verified: row.email_verified_at !== null,
    display_name: row.display_name,
    pending_email: row.pending_email,
  };
}

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

// Every request checks that its sign-in is still live. Remembering a live sign-in for a moment
// saves that database round trip on most requests. Revocations made by this process clear it at
// once; other API instances see a revocation within LIVE_SESSION_MS.
const LIVE_SESSION_MS = 1_000;
const LIVE_SESSION_CACHE_SIZE = 10_000;

interface LiveSession {
  account: Account;
  sessionId: string;
}

function liveSessionCache(clock: Clock) {
  const sessions = new Map<string, LiveSession & { checkedAt: number }>();
  return {
    get(sessionId: string): LiveSession | undefined {
      const entry = sessions.get(sessionId);
      if (entry && clock.now().getTime() - entry.checkedAt < LIVE_SESSION_MS) return entry;
      if (entry) sessions.delete(sessionId);
      return undefined;
    },
    remember(session: LiveSession): void {
      if (sessions.size >= LIVE_SESSION_CACHE_SIZE) {
        const oldest = sessions.keys().next();
        if (!oldest.done) sessions.delete(oldest.value);
      }
      sessions.set(session.sessionId, { ...session, checkedAt: clock.now().getTime() });
    },
    forget(matches: (session: LiveSession) => boolean): void {
      for (const [sessionId, session] of sessions) if (matches(session)) sessions.delete(sessionId);
    },
  };
}

export function authService(deps: {
  repository: AuthRepository;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokenTtlSeconds: number;
  clock: Clock;
  /** Runs in the transaction that creates an account (the verification mail is written there). */
  onRegistered?: (connection: CommonQueryMethods, account: AccountRow) => Promise<void>;
}) {
  const { repository, passwords, accessTokens, clock } = deps;
  const liveSessions = liveSessionCache(clock);

  async function issueTokens(
    connection: Parameters<Parameters<AuthRepository['transaction']>[0]>[0],
    accountId: string,
    sessionId: string,
  ): Promise<TokenPair> {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    await repository.storeRefreshToken(connection, {
      hash: hashRefreshToken(refreshToken),
      sessionId,
      expiresAt: new Date(clock.now().getTime() + deps.refreshTokenTtlSeconds * 1000),
    });
    return {
      access_token: await accessTokens.issue({ accountId, sessionId }),
      token_type: 'Bearer',
      expires_in: accessTokens.ttlSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: deps.refreshTokenTtlSeconds,
    };
  }

  return {
    async register(input: { email: string; password: string }): Promise<Account> {
      const email = normalizeEmail(input.email);
      assertAcceptablePassword(input.password);
      const passwordHash = await passwords.hash(input.password);
      try {
        const row = await repository.transaction(async (connection) => {
          const created = await repository.createAccount(connection, { id: uuidv7(), email, passwordHash });
          await deps.onRegistered?.(connection, created);
          return created;
        });
        return toAccount(row);
      } catch (error) {
        if (error instanceof EmailTakenError) throw errors.emailTaken();
        throw error;
      }
    },

    /** Unknown email and wrong password are indistinguishable, in answer and in time. */
    async login(input: { email: string; password: string }): Promise<TokenPair> {
      let email: string;
      try {
        email = normalizeEmail(input.email);
      } catch {
        await passwords.verifyNothing(input.password);
        throw errors.invalidCredentials();
      }
      const account = await repository.findAccountByEmail(email);
      const matches = account
        ? await passwords.verify(input.password, account.password_hash)
        : await passwords.verifyNothing(input.password);
      if (!account || !matches) throw errors.invalidCredentials();
      return repository.transaction(async (connection) => {
        const sessionId = uuidv7();
        await repository.createSession(connection, { id: sessionId, accountId: account.id });
        return issueTokens(connection, account.id, sessionId);
      });
    },

    /**
     * Rotates the refresh token. Presenting one that was already used means it leaked (or a client
     * raced itself): the whole sign-in is revoked, as OAuth 2.0 Security BCP §4.14 recommends.
     */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const hash = hashRefreshToken(refreshToken);
      const now = clock.now();
      const outcome = await repository.transaction(async (connection) => {
        const token = await repository.lockRefreshToken(connection, hash);
        if (!token || token.revoked_at !== null || token.expires_at <= now.getTime()) return { kind: 'invalid' } as const;
        if (token.used_at !== null) {
          await repository.revokeSession(connection, token.session_id, 'refresh_token_reused', now);
          return { kind: 'reused', sessionId: token.session_id } as const;
        }
        await repository.markRefreshTokenUsed(connection, hash, now);
        return { kind: 'rotated', tokens: await issueTokens(connection, token.account_id, token.session_id) } as const;
      });
      if (outcome.kind === 'invalid') throw errors.invalidRefreshToken();
      if (outcome.kind === 'reused') {
        liveSessions.forget((session) => session.sessionId === outcome.sessionId);
        throw errors.refreshTokenReused();
      }
      return outcome.tokens;
    },

    /** Ends the sign-in the refresh token belongs to; its access tokens stop working at once. */
    async logout(refreshToken: string): Promise<void> {
      const sessionId = await repository.transaction(async (connection) => {
        const token = await repository.lockRefreshToken(connection, hashRefreshToken(refreshToken));
        if (!token) throw errors.invalidRefreshToken();
        await repository.revokeSession(connection, token.session_id, 'logout', clock.now());
        return token.session_id;
      });
      liveSessions.forget((session) => session.sessionId === sessionId);
    },

    /**
     * Replaces the password after checking the current one, then revokes every other sign-in of the
     * account: whoever else knew the old password is signed out. The caller's sign-in stays valid.
     * The new password is checked before the current one, so a weak choice costs no bcrypt work and
     * no rate-limit point.
     */
    async changePassword(input: {
      accountId: string;
      sessionId: string;
      currentPassword: string;
      newPassword: string;
    }): Promise<void> {
      assertAcceptablePassword(input.newPassword, '/body/new_password');
      const newHash = await passwords.hash(input.newPassword);
      await repository.transaction(async (connection) => {
        const account = await repository.lockAccountWithHash(connection, input.accountId);
        const matches = account
          ? await passwords.verify(input.currentPassword, account.password_hash)
          : await passwords.verifyNothing(input.currentPassword);
        if (!account || !matches) throw errors.invalidCredentials();
        const now = clock.now();
        await repository.updatePasswordHash(connection, account.id, newHash, now);
        await repository.revokeOtherSessions(connection, account.id, input.sessionId, 'password_changed', now);
      });
      liveSessions.forget((session) => session.account.id === input.accountId && session.sessionId !== input.sessionId);
    },

    /** A new sign-in for the account, in `connection`'s transaction (a password reset signs its user in). */
    async signIn(connection: CommonQueryMethods, accountId: string): Promise<TokenPair> {
      const sessionId = uuidv7();
      await repository.createSession(connection, { id: sessionId, accountId });
      return issueTokens(connection, accountId, sessionId);
    },

    /** Forgets the remembered sign-ins of the account, after its sessions were revoked or the account changed. */
    forgetAccount(accountId: string): void {
      liveSessions.forget((session) => session.account.id === accountId);
    },

    async accountForAccessToken(token: string): Promise<{ account: Account; sessionId: string }> {
      const claims = await accessTokens.verify(token);
      const live = liveSessions.get(claims.sessionId);
      if (live && live.account.id === claims.accountId) return { account: live.account, sessionId: claims.sessionId };
      const row = await repository.findAccountForSession(claims.accountId, claims.sessionId);
      if (!row) throw errors.invalidToken('The session has ended; sign in again.');
      const account = toAccount(row);
      liveSessions.remember({ account, sessionId: claims.sessionId });
      return { account, sessionId: claims.sessionId };
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
