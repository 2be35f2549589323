// Password reset by mail: a single-use link, valid for an hour, whose token is stored only hashed.
// Asking for one answers the same, in the same time, whether or not the address has an account.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import { enqueueMail } from '#src/mail/mail-outbox.js';
import { accountMailErrors } from './account-mail-errors.js';
import type { AuthService, TokenPair } from './auth-service.js';
import { assertAcceptablePassword, normalizeEmail, type PasswordHasher } from './credentials.js';
import { hashMailToken, mailLink, newMailToken } from './mail-tokens.js';

export const RESET_TOKEN_TTL_MINUTES = 60;

const resetTokenRow = z.object({
  account_id: z.string(),
  email: z.string(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
  // Null once the account's deletion was asked for: its links are then as good as expired.
  account_email: z.string().nullable(),
  email_verified_at: z.number().nullable(),
});

export function passwordResets(deps: { pool: DatabasePool; clock: Clock; passwords: PasswordHasher; auth: AuthService; dashboardUrl: string }) {
  const { pool, clock } = deps;

  return {
    /**
     * Both branches do the same work: a token is made and hashed, and one transaction runs one
     * insert-select that finds the account and stores the token in the same statement, then one
     * more statement (the mail's insert, or a round trip of the same kind when there is no account).
     */
    async request(emailInput: string): Promise<void> {
      const { token, hash } = newMailToken();
      let email = '';
      try {
        email = normalizeEmail(emailInput);
      } catch {
        // Not an address at all: no account can have it, and it is answered as an unknown one.
      }
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_MINUTES * 60_000);
      await pool.transaction(async (transaction) => {
        const stored = await transaction.maybeOne(sql.type(z.object({ account_id: z.string(), email: z.string() }))`
          insert into password_reset_tokens (token_hash, account_id, email, created_at, expires_at)
          select ${sql.binary(hash)}, a.id, a.email, ${sql.timestamp(now)}, ${sql.timestamp(expiresAt)}
          from accounts a where a.email = ${email}
          returning account_id, email`);
        if (stored) {
          const link = mailLink(deps.dashboardUrl, 'reset-password', token);
          await enqueueMail(transaction, { to: stored.email, accountId: stored.account_id, template: 'password_reset', data: { link, expiresInMinutes: RESET_TOKEN_TTL_MINUTES } }, now);
        } else {
          await transaction.query(sql.unsafe`select null`);
        }
      });
    },

    /**
     * Sets the password, ends every sign-in of the account (whoever knew the old password is out)
     * and answers a new one. The link also proves the address, so it confirms it.
     */
    async confirm(token: string, newPassword: string): Promise<TokenPair> {
      assertAcceptablePassword(newPassword, '/body/new_password');
      const newHash = await deps.passwords.hash(newPassword);
      const now = clock.now();
      const { accountId, tokens } = await pool.transaction(async (transaction) => {
        const found = await transaction.maybeOne(sql.type(resetTokenRow)`
          select t.account_id, t.email, t.expires_at, t.used_at, a.email as account_email, a.email_verified_at
          from password_reset_tokens t join accounts a on a.id = t.account_id
          where t.token_hash = ${sql.binary(hashMailToken(token))}
          for update of t, a`);
        if (!found) throw accountMailErrors.resetTokenNotFound();
        if (found.used_at !== null) throw accountMailErrors.resetTokenUsed();
        // A link mailed to an address the account no longer has is as good as expired.
        if (found.expires_at <= now.getTime() || found.email !== found.account_email) throw accountMailErrors.resetTokenExpired();
        // Every other link of the account stops working too: the newest password wins.
        await transaction.query(sql.unsafe`
          update password_reset_tokens set used_at = ${sql.timestamp(now)} where account_id = ${found.account_id} and used_at is null`);
        await transaction.query(sql.unsafe`
          update accounts set password_hash = ${newHash}, email_verified_at = coalesce(email_verified_at, ${sql.timestamp(now)}), updated_at = ${sql.timestamp(now)}
          where id = ${found.account_id}`);
        await transaction.query(sql.unsafe`
          update auth_sessions set revoked_at = ${sql.timestamp(now)}, revoked_reason = 'password_reset'
          where account_id = ${found.account_id} and revoked_at is null`);
        // The first proof of the address: until now the account was whoever registered it, possibly
        // not the mailbox's owner (an account pre-registered with someone else's address). What that
        // registrant could leave behind to keep access after the owner takes over ends too.
        if (found.email_verified_at === null) {
          await transaction.query(sql.unsafe`update api_keys set revoked_at = ${sql.timestamp(now)} where account_id = ${found.account_id} and revoked_at is null`);
          await transaction.query(sql.unsafe`update shares set revoked_at = ${sql.timestamp(now)} where account_id = ${found.account_id} and revoked_at is null`);
        }
        return { accountId: found.account_id, tokens: await deps.auth.signIn(transaction, found.account_id) };
      });
      deps.auth.forgetAccount(accountId);
      return tokens;
    },
  };
}

export type PasswordResets = ReturnType<typeof passwordResets>;
