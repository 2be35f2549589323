import { createSecretKey } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '#src/platform/clock.js';
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
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          currentDate: options.clock.now(),
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw errors.invalidToken();
        return { accountId: payload.sub, sessionId: payload.sid };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw errors.invalidToken('The access token has expired.');
        if (error instanceof joseErrors.JOSEError) throw errors.invalidToken();
        throw error;
      }
    },
  };
}
