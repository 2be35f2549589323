// The only way the dashboard's server reaches the API: the SDK, configured here.
import { Baketsu } from '@baketsu/sdk';
import { getEnv } from './env.server.js';

/** For register, login, refresh and logout. */
export function anonymousClient(): Baketsu {
  return new Baketsu({ baseUrl: getEnv().API_URL });
}

/**
 * A client acting for the signed-in person. `onUnauthorized` runs when the API refuses the token
 * (revoked sign-in, expired mid-request): it throws a redirect Response, which the SDK passes
 * through untouched and Remix turns into the sign-in redirect. Only a 401 with `WWW-Authenticate`
 * is about the token (RFC 6750); a 401 without it, such as a wrong current password on
 * POST /v1/me/password (`invalid_credentials`), is an ordinary error for the form to show.
 */
export function clientFor(accessToken: string, onUnauthorized: () => never): Baketsu {
  const guardedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401 && response.headers.has('www-authenticate')) onUnauthorized();
    return response;
  };
  return new Baketsu({ baseUrl: getEnv().API_URL, accessToken }, { fetch: guardedFetch });
}
