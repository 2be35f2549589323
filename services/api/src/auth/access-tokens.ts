import { createSecretKey } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '@baketsu/platform/clock';
import { errors } from '#src/platform/errors.js';

export interface AccessTokenClaims {
  accountId: string;
  sessionId: string;
}

export interface AccessTokens {
  readonly ttlSeconds: number;
  issue(claims: AccessTokenClaims): Promise<string>;
  verify(token: string): Promise<AccessTokenClaims>;
}

const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

// Pinned: a token signed any other way (including `alg: none`) is refused before its claims are read.
const ALGORITHM = 'HS256';

export function joseAccessTokens(options: {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clock: Clock;
}): AccessTokens {
  // A KeyObject made once: handing jose raw bytes makes it import the key again on every call.
  const key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const nowSeconds = () => Math.floor(options.clock.now().getTime() / 1000);
  // jose verifies through WebCrypto, ~250 µs a call on Node 20, and a client sends the same token
  // for its whole 15 minutes. A token whose signature and claims already passed is remembered until
  // it expires; expiry is still checked on every use, and revocation is the caller's database check.
  const verified = new Map<string, AccessTokenClaims & { expiresAtSeconds: number }>();
  const remember = (token: string, claims: AccessTokenClaims & { expiresAtSeconds: number }) => {
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, claims);
  };
  return {
    ttlSeconds: options.ttlSeconds,
    issue: ({ accountId, sessionId }) =>
      new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(accountId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + options.ttlSeconds)
        .sign(key),
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAtSeconds > nowSeconds()) return { accountId: known.accountId, sessionId: known.sessionId };
        verified.delete(token);
        throw errors.invalidToken('The access token has expired.');
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          currentDate: options.clock.now(),
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
          throw errors.invalidToken();
        }
        const claims = { accountId: payload.sub, sessionId: payload.sid };
        remember(token, { ...claims, expiresAtSeconds: payload.exp });
        return claims;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw errors.invalidToken('The access token has expired.');
        if (error instanceof joseErrors.JOSEError) throw errors.invalidToken();
        throw error;
      }
    },
  };
}
