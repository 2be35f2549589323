// The dashboard's session: API tokens sealed into one httpOnly, SameSite=Lax cookie. Page scripts
// can never read it, and the access token never reaches browser storage.
import { createCookie } from '@remix-run/node';
import { getEnv } from './env.server.js';
import { createSealer, type Sealer } from './sealed-cookie.server.js';

export interface SessionAccount {
  id: string;
  email: string;
}

export interface UserSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  accessExpiresAt: number;
  refreshExpiresAt: number;
  account: SessionAccount;
}

export interface TokenPairLike {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export function sessionFromTokens(tokens: TokenPairLike, account: SessionAccount, now = Date.now()): UserSession {
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accessExpiresAt: now + tokens.expires_in * 1000,
    refreshExpiresAt: now + tokens.refresh_token_expires_in * 1000,
    account: { id: account.id, email: account.email },
  };
}

let cached: { secret: string; sealer: Sealer; cookie: ReturnType<typeof createCookie> } | undefined;

function sessionCookie() {
  const env = getEnv();
  if (cached?.secret !== env.SESSION_SECRET) {
    cached = {
      secret: env.SESSION_SECRET,
      sealer: createSealer(env.SESSION_SECRET, 'session'),
      // Unsigned on purpose: the value is sealed (encrypted and authenticated) by us.
      cookie: createCookie('__baketsu_session', {
        httpOnly: true,
        sameSite: 'lax',
        secure: env.SESSION_COOKIE_SECURE,
        path: '/',
      }),
    };
  }
  return cached;
}

export async function readSession(request: Request): Promise<UserSession | null> {
  const { cookie, sealer } = sessionCookie();
  const raw: unknown = await cookie.parse(request.headers.get('cookie'));
  if (typeof raw !== 'string') return null;
  const value = sealer.unseal(raw);
  return isUserSession(value) && value.refreshExpiresAt > Date.now() ? value : null;
}

export async function commitSession(session: UserSession): Promise<string> {
  const { cookie, sealer } = sessionCookie();
  const maxAge = Math.max(0, Math.floor((session.refreshExpiresAt - Date.now()) / 1000));
  return cookie.serialize(sealer.seal(session), { maxAge });
}

export async function destroySession(): Promise<string> {
  return sessionCookie().cookie.serialize('', { maxAge: 0 });
}

function isUserSession(value: unknown): value is UserSession {
  if (typeof value !== 'object' || value === null) return false;
  const session = value as UserSession;
  return (
    typeof session.accessToken === 'string' &&
    typeof session.refreshToken === 'string' &&
    typeof session.accessExpiresAt === 'number' &&
    typeof session.refreshExpiresAt === 'number' &&
    typeof session.account?.email === 'string'
  );
}
