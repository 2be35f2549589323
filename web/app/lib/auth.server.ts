import { redirect } from '@remix-run/node';
import type { Baketsu, TokenPair } from '@baketsu/sdk';
import { anonymousClient, clientFor } from './api.server.js';
import { commitSession, destroySession, readSession, sessionFromTokens, type SessionAccount, type UserSession } from './session.server.js';

// Refresh a little early so a token never expires between our check and the API's.
const REFRESH_MARGIN_MS = 30_000;

export interface SignedIn {
  account: SessionAccount;
  api: Baketsu;
  /** Set-Cookie when the tokens were refreshed; pass into the loader's or action's response. */
  headers: Headers;
}

/** Signed-in context, or a thrown redirect to /login?redirectTo=<this page>. */
export async function requireUser(request: Request): Promise<SignedIn> {
  const session = await readSession(request);
  if (!session) throw await toLogin(request);
  const headers = new Headers();
  let current = session;
  if (session.accessExpiresAt - REFRESH_MARGIN_MS <= Date.now()) {
    const refreshed = await refreshOnce(session).catch(() => null);
    if (!refreshed) throw await toLogin(request);
    current = refreshed;
    headers.append('Set-Cookie', await commitSession(refreshed));
  }
  const api = clientFor(current.accessToken, () => {
    // The stale cookie is replaced at the next sign-in; /login never redirects on a cookie alone.
    throw redirect(loginPath(request));
  });
  return { account: current.account, api, headers };
}

export async function optionalUser(request: Request): Promise<SessionAccount | null> {
  return (await readSession(request))?.account ?? null;
}

/**
 * For /login and /register: a person already signed in goes on to where they were headed. The
 * cookie alone is not proof (the API may have revoked the sign-in), so the API is asked; any doubt
 * leaves them on the form, which cannot loop.
 */
export async function redirectIfSignedIn(request: Request): Promise<void> {
  if (!(await readSession(request))) return;
  let signedIn: SignedIn;
  try {
    signedIn = await requireUser(request);
    await signedIn.api.auth.me();
  } catch {
    return;
  }
  const to = safeRedirect(new URL(request.url).searchParams.get('redirectTo'));
  throw redirect(to, { headers: signedIn.headers });
}

export async function signIn(email: string, password: string, redirectTo: string): Promise<Response> {
  const tokens = await anonymousClient().auth.login({ email, password });
  return startSession(tokens, redirectTo);
}

/** The cookie for a sign-in the API just made (a login, or a password reset), and the way on. */
export async function startSession(tokens: TokenPair, redirectTo: string): Promise<Response> {
  const account = await anonymousWithToken(tokens.access_token).auth.me();
  const session = sessionFromTokens(tokens, account);
  return redirect(safeRedirect(redirectTo), { headers: { 'Set-Cookie': await commitSession(session) } });
}

export async function signOut(request: Request): Promise<Response> {
  const session = await readSession(request);
  // Revoking on the API makes a copied cookie worthless too; a failure still clears ours.
  if (session) await anonymousClient().auth.logout(session.refreshToken).catch(() => undefined);
  return redirect('/login', { headers: { 'Set-Cookie': await destroySession() } });
}

// Browsers drop tabs and newlines from a URL and read `\` as `/`, so `/<tab>/evil.example` would
// leave as `//evil.example`: such characters are refused outright rather than cleaned up.
const UNSAFE_IN_REDIRECT = /[\u0000-\u001f\u007f\s\\]/;
const PLACEHOLDER_ORIGIN = 'http://placeholder.invalid';

/** Only same-site paths: `//evil.example`, absolute URLs and anything odd fall back to the dashboard. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/dashboard'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || UNSAFE_IN_REDIRECT.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  // Dot segments can still collapse into a scheme-relative path: `/.//evil.example` → `//evil.example`.
  if (url.origin !== PLACEHOLDER_ORIGIN || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

function loginPath(request: Request): string {
  const url = new URL(request.url);
  // A resource route (e.g. /api/uploads) sends the person back to the page that called it.
  const back = url.pathname.startsWith('/api/') ? '/upload' : `${url.pathname}${url.search}`;
  return `/login?${new URLSearchParams({ redirectTo: back })}`;
}

async function toLogin(request: Request): Promise<Response> {
  return redirect(loginPath(request), { headers: { 'Set-Cookie': await destroySession() } });
}

function anonymousWithToken(accessToken: string): Baketsu {
  return clientFor(accessToken, () => {
    throw new Error('the API refused a token it just issued');
  });
}

// Refresh tokens are single use and a second use revokes the whole sign-in, so requests that race
// (Remix runs a page's loaders in parallel) must share one refresh instead of each making its own.
const inFlight = new Map<string, Promise<UserSession>>();

function refreshOnce(session: UserSession): Promise<UserSession> {
  let pending = inFlight.get(session.refreshToken);
  if (!pending) {
    pending = anonymousClient()
      .auth.refresh(session.refreshToken)
      .then((tokens) => sessionFromTokens(tokens, session.account));
    inFlight.set(session.refreshToken, pending);
    // Long enough for a burst of parallel requests carrying the old cookie to reuse the result.
    setTimeout(() => inFlight.delete(session.refreshToken), 60_000).unref();
  }
  return pending;
}
