import { RateLimitError } from '@baketsu/sdk';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The signed-in person's SDK client, as requireUser would hand it out.
const api = { uploads: { complete: vi.fn(), presign: vi.fn() } };
vi.mock('#app/lib/auth.server.js', () => ({ requireUser: async () => ({ api, headers: new Headers() }) }));
const { action } = await import('./api.uploads.js');

const post = (body: unknown) =>
  action({ request: new Request('http://dashboard.test/api/uploads', { method: 'POST', body: JSON.stringify(body) }), params: {}, context: {} });
const UPLOAD_ID = '6f0c4b8e-2f55-4b8a-9a43-0c1e0b6f3d11';

beforeEach(() => vi.clearAllMocks());

describe('/api/uploads', () => {
  it('passes on a refusal with its code, and the Retry-After of one the SDK could not wait out', async () => {
    api.uploads.complete.mockRejectedValue(
      new RateLimitError({ message: 'slow', status: 429, code: 'rate_limited', headers: new Headers({ 'retry-after': '90' }), problem: { type: 'about:blank', title: 'Too many requests', status: 429, code: 'rate_limited' } }),
    );
    const response = await post({ intent: 'complete', upload_id: UPLOAD_ID });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('90');
    expect(await response.json()).toEqual({ error: 'Too many requests', code: 'rate_limited' });
  });

  it('refuses a malformed request without calling the API', async () => {
    const response = await post({ intent: 'presign', name: '', size: -1 });
    expect(response.status).toBe(400);
    expect(api.uploads.presign).not.toHaveBeenCalled();
  });
});
