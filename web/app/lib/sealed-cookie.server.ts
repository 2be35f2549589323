// The session cookie carries the API tokens sealed with AES-256-GCM: the browser holds only an
// opaque, httpOnly blob, and the dashboard stays stateless (any instance can read any session).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface Sealer {
  seal(value: unknown): string;
  unseal(sealed: string): unknown | undefined;
}

export function createSealer(secret: string, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'baketsu-dashboard', purpose, 32));
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    unseal(sealed) {
      const [version, payload] = sealed.split('.');
      if (version !== VERSION || !payload) return undefined;
      const raw = Buffer.from(payload, 'base64url');
      if (raw.length < 29) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        // Tampered, or sealed with another secret (e.g. after rotation): treat as signed out.
        return undefined;
      }
    },
  };
}
