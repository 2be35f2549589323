import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { joseAccessTokens } from './access-tokens.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const claims = { accountId: '0190a0a0-0000-7000-8000-000000000001', sessionId: '0190a0a0-0000-7000-8000-000000000002' };

function tokensAt(time: Date, overrides: Partial<{ issuer: string; audience: string; secret: string }> = {}) {
  return joseAccessTokens({ secret, issuer: 'baketsu', audience: 'baketsu-api', ttlSeconds: 900, clock: { now: () => time }, ...overrides });
}

describe('access tokens', () => {
  const issuedAt = new Date('2026-11-27T12:00:00Z');

  test('a token verifies to the claims it was issued with', async () => {
    const tokens = tokensAt(issuedAt);
    expect(await tokens.verify(await tokens.issue(claims))).toEqual(claims);
  });

  test('expires after its ttl', async () => {
    const token = await tokensAt(issuedAt).issue(claims);
    await expect(tokensAt(new Date(issuedAt.getTime() + 901_000)).verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  test('a token already verified once still expires on time', async () => {
    let now = issuedAt;
    const tokens = joseAccessTokens({ secret, issuer: 'baketsu', audience: 'baketsu-api', ttlSeconds: 900, clock: { now: () => now } });
    const token = await tokens.issue(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    now = new Date(issuedAt.getTime() + 899_000);
    expect(await tokens.verify(token)).toEqual(claims);
    now = new Date(issuedAt.getTime() + 900_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'invalid_token', detail: 'The access token has expired.' });
  });

  test('a tampered copy of a verified token is still refused', async () => {
    const tokens = tokensAt(issuedAt);
    const token = await tokens.issue(claims);
    await tokens.verify(token);
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verify(flipped)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  test('issuer, audience and key are all checked', async () => {
    const token = await tokensAt(issuedAt).issue(claims);
    await expect(tokensAt(issuedAt, { issuer: 'other' }).verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(tokensAt(issuedAt, { audience: 'other' }).verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(tokensAt(issuedAt, { secret: `${secret}-rotated` }).verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  test('alg none is refused', async () => {
    const unsigned = new UnsecuredJWT({ sid: claims.sessionId })
      .setSubject(claims.accountId)
      .setIssuer('baketsu')
      .setAudience('baketsu-api')
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime('10m')
      .encode();
    await expect(tokensAt(issuedAt).verify(unsigned)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  test('another algorithm with the same secret is refused', async () => {
    const hs512 = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(claims.accountId)
      .setIssuer('baketsu')
      .setAudience('baketsu-api')
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(issuedAt.getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(secret));
    await expect(tokensAt(issuedAt).verify(hs512)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  test('garbage is refused', async () => {
    await expect(tokensAt(issuedAt).verify('not.a.jwt')).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
