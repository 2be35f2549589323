// The profile: a display name, and an email change that waits for the new address's link.
import { sql, type DatabasePool } from 'slonik';
import type { RequestBody } from '#src/platform/contract-types.js';
import { errors } from '#src/platform/errors.js';
import { accountColumns, accountRow, type AccountRow, type AuthRepository } from './auth-repository.js';
import type { AuthService } from './auth-service.js';
import { normalizeEmail, type PasswordHasher } from './credentials.js';
import type { EmailVerification } from './email-verification.js';

export function profiles(deps: { pool: DatabasePool; repository: AuthRepository; passwords: PasswordHasher; verification: EmailVerification; auth: AuthService }) {
  return {
    /**
     * Applies `change` on the locked account. A new email needs the current password, checked
     * before anything changes; the change itself starts verification (`startChange`).
     */
    async update(accountId: string, change: RequestBody<'updateMe'>): Promise<AccountRow> {
      const newEmail = change.email === undefined ? undefined : normalizeEmail(change.email);
      const updated = await deps.pool.transaction(async (transaction) => {
        const account = await deps.repository.lockAccountWithHash(transaction, accountId);
        if (!account) throw errors.invalidToken('The account no longer exists.');
        if (newEmail !== undefined) {
          if (!(await deps.passwords.verify(change.current_password ?? '', account.password_hash))) throw errors.invalidCredentials();
          await deps.verification.startChange(transaction, account, newEmail);
        }
        if (change.display_name !== undefined) {
          const displayName = change.display_name === null ? null : change.display_name.normalize('NFC').trim();
          await transaction.query(sql.unsafe`update accounts set display_name = ${displayName}, updated_at = now() where id = ${accountId}`);
        }
        return transaction.one(sql.type(accountRow)`select ${accountColumns} from accounts a where a.id = ${accountId}`);
      });
      // The remembered sign-ins carry the account as it was.
      deps.auth.forgetAccount(accountId);
      return updated;
    },
  };
}

export type Profiles = ReturnType<typeof profiles>;
