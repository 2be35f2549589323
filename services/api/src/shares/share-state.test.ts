import { describe, expect, test } from 'vitest';
import { downloadsRemaining, shareStatus, unusableReason, type ShareState } from './share-state.js';
import { newShareToken, shareTokenHash } from './share-token.js';

const now = new Date('2026-11-27T10:00:00.000Z');
const active: ShareState = { revoked_at: null, expires_at: null, max_downloads: null, download_count: 0, target_status: 'stored' };

describe('shareStatus', () => {
  test.each<[string, Partial<ShareState>, string]>([
    ['no limits', {}, 'active'],
    ['an expiry ahead', { expires_at: now.getTime() + 1 }, 'active'],
    ['an expiry reached to the millisecond', { expires_at: now.getTime() }, 'expired'],
    ['downloads left', { max_downloads: 2, download_count: 1 }, 'active'],
    ['the last download taken', { max_downloads: 2, download_count: 2 }, 'exhausted'],
    ['a file being deleted', { target_status: 'deleting' }, 'target_deleted'],
    ['a deleted file', { target_status: 'deleted' }, 'target_deleted'],
    ['revoked', { revoked_at: now.getTime() - 1 }, 'revoked'],
    ['revoked, expired, exhausted and deleted: revoked wins', { revoked_at: 1, expires_at: 1, max_downloads: 1, download_count: 1, target_status: 'deleted' }, 'revoked'],
    ['expired and exhausted: expired wins', { expires_at: 1, max_downloads: 1, download_count: 1 }, 'expired'],
  ])('%s', (_label, change, status) => {
    expect(shareStatus({ ...active, ...change }, now)).toBe(status);
  });

  test('each unusable status has its own 410 problem', () => {
    expect(unusableReason(active, now)).toBeUndefined();
    const codes = [{ revoked_at: 1 }, { expires_at: 1 }, { max_downloads: 1, download_count: 1 }, { target_status: 'deleted' as const }].map(
      (change) => unusableReason({ ...active, ...change }, now),
    );
    expect(codes.map((problem) => [problem?.status, problem?.code])).toEqual([
      [410, 'share_revoked'], [410, 'share_expired'], [410, 'share_exhausted'], [410, 'share_target_deleted'],
    ]);
  });

  test('downloads remaining', () => {
    expect(downloadsRemaining({ max_downloads: null, download_count: 7 })).toBeNull();
    expect(downloadsRemaining({ max_downloads: 3, download_count: 1 })).toBe(2);
    expect(downloadsRemaining({ max_downloads: 3, download_count: 3 })).toBe(0);
  });
});

describe('share tokens', () => {
  test('256 random bits in base64url, hashed to 32 bytes', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newShareToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [token] = tokens;
    expect(shareTokenHash(token!)).toHaveLength(32);
    expect(shareTokenHash(token!).equals(shareTokenHash(token!))).toBe(true);
  });
});
