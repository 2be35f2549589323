// A share link's secret. It is 256 random bits (crypto.randomBytes), never derived from an id, and
// only its SHA-256 is stored. A request is answered by looking the hash up, which is as good as a
// constant-time comparison: the index compares SHA-256 outputs of whatever the caller sent, and
// however its timing varied it could only hint at the first bytes of a hash, which says nothing
// about which token produces it (SHA-256 is preimage-resistant). Nothing secret is compared with
// `===` on the way.
import { createHash, randomBytes } from 'node:crypto';

export const SHARE_TOKEN_BYTES = 32;

/** 43 characters of base64url. */
export const newShareToken = (): string => randomBytes(SHARE_TOKEN_BYTES).toString('base64url');

/** What a token is stored and looked up as. Any text hashes, so a malformed token is simply unknown. */
export const shareTokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
