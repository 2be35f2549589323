import { describe, expect, it } from 'vitest';
import { createSealer } from './sealed-cookie.server.js';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('createSealer', () => {
  it('round-trips a value and hides it', () => {
    const sealer = createSealer(secret, 'session');
    const sealed = sealer.seal({ accessToken: 'eyJ.secret.token' });
    expect(sealed).not.toContain('secret');
    expect(sealer.unseal(sealed)).toEqual({ accessToken: 'eyJ.secret.token' });
  });

  it('refuses a tampered value, another secret or another purpose', () => {
    const sealed = createSealer(secret, 'session').seal({ a: 1 });
    const at = sealed.length - 10;
    const flipped = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(createSealer(secret, 'session').unseal(flipped)).toBeUndefined();
    expect(createSealer(`${secret}x`, 'session').unseal(sealed)).toBeUndefined();
    expect(createSealer(secret, 'other').unseal(sealed)).toBeUndefined();
    expect(createSealer(secret, 'session').unseal('garbage')).toBeUndefined();
  });
});
