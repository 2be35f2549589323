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
 * through untouched and Remix turns into the sign-in redirect.
 */
export function clientFor(accessToken: string, onUnauthorized: () => never): Baketsu {
  const guardedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) onUnauthorized();
    return response;
  };
  return new Baketsu({ baseUrl: getEnv().API_URL, accessToken }, { fetch: guardedFetch });
}
