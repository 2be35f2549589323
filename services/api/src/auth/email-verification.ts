// Address verification: a single-use link mailed at registration (confirms the address) and on an
// email change (mailed to the new address, which becomes the account's only when the link is used).
import { sql, UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import { enqueueMail } from '#src/mail/mail-outbox.js';
import { errors } from '#src/platform/errors.js';
import { accountMailErrors } from './account-mail-errors.js';
import { accountColumns, accountRow, type AccountRow } from './auth-repository.js';
import { hashMailToken, mailLink, newMailToken } from './mail-tokens.js';

export const VERIFICATION_TOKEN_TTL_HOURS = 24;

const verificationRow = z.object({
  account_id: z.string(),
  email: z.string(),
  purpose: z.enum(['verify', 'change']),
  expires_at: z.number(),
  used_at: z.number().nullable(),
  // Null once the account's deletion was asked for (decision 017).
  account_email: z.string().nullable(),
  pending_email: z.string().nullable(),
});

export function emailVerification(deps: { pool: DatabasePool; clock: Clock; dashboardUrl: string }) {
  const { pool, clock } = deps;

  /** Stores a link's token and writes its mail, in the caller's transaction. */
  async function mailLinkFor(transaction: CommonQueryMethods, account: { id: string }, email: string, purpose: 'verify' | 'change'): Promise<void> {
    const { token, hash } = newMailToken();
    const now = clock.now();
    await transaction.query(sql.unsafe`
      insert into email_verification_tokens (token_hash, account_id, email, purpose, created_at, expires_at)
      values (${sql.binary(hash)}, ${account.id}, ${email}, ${purpose}, ${sql.timestamp(now)},
              ${sql.timestamp(new Date(now.getTime() + VERIFICATION_TOKEN_TTL_HOURS * 3_600_000))})`);
    const link = mailLink(deps.dashboardUrl, 'verify-email', token);
    if (purpose === 'verify') {
      await enqueueMail(transaction, { to: email, accountId: account.id, template: 'email_verification', data: { link, expiresInHours: VERIFICATION_TOKEN_TTL_HOURS } }, now);
    } else {
      await enqueueMail(transaction, { to: email, accountId: account.id, template: 'email_change', data: { link, newEmail: email, expiresInHours: VERIFICATION_TOKEN_TTL_HOURS } }, now);
    }
  }

  const useUp = (transaction: CommonQueryMethods, accountId: string, purpose: 'verify' | 'change', at: Date) =>
    transaction.query(sql.unsafe`
      update email_verification_tokens set used_at = ${sql.timestamp(at)}
      where account_id = ${accountId} and purpose = ${purpose} and used_at is null`);

  return {
    /** For `authService`'s `onRegistered`: a new account's address gets its link. */
    onRegistered: (transaction: CommonQueryMethods, account: AccountRow) => mailLinkFor(transaction, account, account.email, 'verify'),

    /** Mails a new link for the account's address, unless it is confirmed already. */
    async resend(accountId: string): Promise<void> {
      await pool.transaction(async (transaction) => {
        const account = await transaction.one(sql.type(accountRow)`select ${accountColumns} from accounts a where a.id = ${accountId} for update`);
        if (account.email_verified_at === null) await mailLinkFor(transaction, account, account.email, 'verify');
      });
    },

    /**
     * Starts a change to `newEmail` (normalised) in the caller's transaction, on the locked account:
     * the account's own address cancels a pending change; an address another account has is
     * `email_taken`; otherwise earlier change links stop working and the new address gets one.
     */
    async startChange(transaction: CommonQueryMethods, account: AccountRow, newEmail: string): Promise<void> {
      const now = clock.now();
      await useUp(transaction, account.id, 'change', now);
      if (newEmail === account.email) {
        await transaction.query(sql.unsafe`update accounts set pending_email = null, updated_at = ${sql.timestamp(now)} where id = ${account.id}`);
        return;
      }
      const taken = await transaction.exists(sql.unsafe`select 1 from accounts where email = ${newEmail}`);
      if (taken) throw errors.emailTaken();
      await transaction.query(sql.unsafe`update accounts set pending_email = ${newEmail}, updated_at = ${sql.timestamp(now)} where id = ${account.id}`);
      await mailLinkFor(transaction, account, newEmail, 'change');
    },

    /** Uses a link: confirms the address, or makes the new one the account's. Answers the account as it now is. */
    async verify(token: string): Promise<AccountRow> {
      const now = clock.now();
      try {
        return await pool.transaction(async (transaction) => {
          const found = await transaction.maybeOne(sql.type(verificationRow)`
            select t.account_id, t.email, t.purpose, t.expires_at, t.used_at, a.email as account_email, a.pending_email
            from email_verification_tokens t join accounts a on a.id = t.account_id
            where t.token_hash = ${sql.binary(hashMailToken(token))}
            for update of t, a`);
          if (!found) throw accountMailErrors.verificationTokenNotFound();
          if (found.used_at !== null) throw accountMailErrors.verificationTokenUsed();
          // A link for an address the account no longer has (or no longer wants) is as good as expired,
          // and so is every link of an account being deleted: it must never get an address back.
          const stillMeant = found.purpose === 'verify' ? found.email === found.account_email : found.email === found.pending_email;
          if (found.expires_at <= now.getTime() || found.account_email === null || !stillMeant) throw accountMailErrors.verificationTokenExpired();
          await useUp(transaction, found.account_id, found.purpose, now);
          if (found.purpose === 'change') {
            await transaction.query(sql.unsafe`
              update accounts set email = ${found.email}, pending_email = null, email_verified_at = ${sql.timestamp(now)}, updated_at = ${sql.timestamp(now)}
              where id = ${found.account_id}`);
            // Links mailed to the old address are for an address the account no longer has.
            await useUp(transaction, found.account_id, 'verify', now);
            await enqueueMail(transaction, { to: found.account_email, accountId: found.account_id, template: 'email_changed_notice', data: { newEmail: found.email } }, now);
          } else {
            await transaction.query(sql.unsafe`
              update accounts set email_verified_at = coalesce(email_verified_at, ${sql.timestamp(now)}), updated_at = ${sql.timestamp(now)}
              where id = ${found.account_id}`);
          }
          return transaction.one(sql.type(accountRow)`select ${accountColumns} from accounts a where a.id = ${found.account_id}`);
        });
      } catch (error) {
        // Another account registered (or moved to) the new address after the change was asked for.
        if (error instanceof UniqueIntegrityConstraintViolationError) throw errors.emailTaken();
        throw error;
      }
    },
  };
}

export type EmailVerification = ReturnType<typeof emailVerification>;
