// Cross-site request forgery guard for every mutating request (form posts, fetchers, resource
// routes). SameSite=Lax already keeps the session cookie off cross-site POSTs; this refuses them
// outright, so a forged form never even reaches an action.
import type { IncomingMessage } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteMutation(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return false;
  const origin = req.headers.origin;
  if (origin !== undefined && allowedOrigins.includes(origin)) return false;
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  // Browsers send Origin on every POST; its absence means a non-browser client, which cannot
  // borrow a victim's cookie.
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  const own = [`http://${host}`, `https://${host}`];
  return !own.includes(origin) && !allowedOrigins.includes(origin);
}
