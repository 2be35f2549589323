import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';
import { errors } from '#src/platform/errors.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
const EMAIL_MAX_LENGTH = 254;

/** Case and surrounding whitespace never make two accounts different. */
export function normalizeEmail(raw: string): string {
  const email = raw.normalize('NFC').trim().toLowerCase();
  // Deliberately loose: one @, something on each side, a dot in the domain, no spaces or controls.
  const plausible = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(email);
  // Characters (code points), as openapi.yaml's maxLength counts them.
  if (!plausible || [...email].length > EMAIL_MAX_LENGTH) throw errors.invalidEmail();
  return email;
}

/** `field` is where a refusal points in the problem's `errors` (the body member holding the password). */
export function assertAcceptablePassword(password: string, field = '/body/password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw errors.weakPassword(`Use at least ${PASSWORD_MIN_LENGTH} characters.`, field);
  if (length > PASSWORD_MAX_LENGTH) throw errors.weakPassword(`Use at most ${PASSWORD_MAX_LENGTH} characters.`, field);
  if (password.trim().length === 0) throw errors.weakPassword('The password cannot be only whitespace.', field);
}

// bcrypt reads only the first 72 bytes of its input. Hashing the password to a fixed 44-character
// base64 digest first makes every character count, and base64 never contains the NUL bytes that
// would truncate bcrypt's input early.
function bcryptInput(password: string): string {
  return createHash('sha256').update(password.normalize('NFC'), 'utf8').digest('base64');
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, passwordHash: string): Promise<boolean>;
  /** Spends the same time as a real verification, for unknown accounts. */
  verifyNothing(password: string): Promise<false>;
}

export function bcryptPasswordHasher(cost: number): PasswordHasher {
  // A real hash of the configured cost, so a miss costs exactly what a wrong password does.
  const decoyHash = bcrypt.hashSync(bcryptInput('decoy password, never matches'), cost);
  return {
    hash: (password) => bcrypt.hash(bcryptInput(password), cost),
    verify: (password, passwordHash) => bcrypt.compare(bcryptInput(password), passwordHash),
    async verifyNothing(password) {
      await bcrypt.compare(bcryptInput(password), decoyHash);
      return false;
    },
  };
}
