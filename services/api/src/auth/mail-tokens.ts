import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret of a mailed link: 32 random bytes, base64url. Only its SHA-256 is stored, and a link is
 * found by looking that hash up in a unique index (as share links are, decision 014): no secret is
 * compared in JavaScript, and a database dump opens no link.
 */
export function newMailToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashMailToken(token) };
}

export function hashMailToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The dashboard page a mailed link opens, with its token. */
export function mailLink(dashboardUrl: string, page: 'reset-password' | 'verify-email', token: string): string {
  const url = new URL(`/${page}`, dashboardUrl);
  url.searchParams.set('token', token);
  return url.toString();
}
