// Shared steps of the mail flows' integration tests: an API that sends through mailpit, and the
// requests those tests make.
import { expect } from 'vitest';
import { linkIn, mailTo, startTestApi, testSmtpUrl, uniqueAddress, type TestApi } from '#src/platform/testing/index.js';
import type { Clock } from '@baketsu/platform/clock';

export const PASSWORD = 'correct horse battery';
export const DASHBOARD = 'http://dashboard.test';

/** A clock that runs in real time, but can be moved forward (link expiry). */
export function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export function startMailApi(options: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApi> {
  return startTestApi({
    ...(options.clock ? { clock: options.clock } : {}),
    env: {
      SMTP_URL: testSmtpUrl(),
      MAIL_POLL_INTERVAL_MS: '50',
      DASHBOARD_URL: DASHBOARD,
      LOGIN_LIMIT_PER_IP: '10000',
      MAIL_LINK_LIMIT_PER_IP: '10000',
      MAIL_LINK_LIMIT_PER_ADDRESS: '1000',
      ...options.env,
    },
  });
}

export function client(api: TestApi) {
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    call,
    post: (path: string, body?: unknown, token?: string) => call('POST', path, body, token),
    async register(email = uniqueAddress('acct')): Promise<string> {
      expect((await call('POST', '/v1/auth/register', { email, password: PASSWORD })).status).toBe(201);
      return email;
    },
    async signIn(email: string, password = PASSWORD): Promise<{ access_token: string; refresh_token: string }> {
      const response = await call('POST', '/v1/auth/login', { email, password });
      expect(response.status).toBe(200);
      return (await response.json()) as { access_token: string; refresh_token: string };
    },
    async me(token: string): Promise<Record<string, unknown>> {
      const response = await call('GET', '/v1/me', undefined, token);
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    },
  };
}

/** The token in the `nth` (from 1) mail to `address` whose subject matches, waiting for it to arrive. */
export async function mailedToken(address: string, page: 'reset-password' | 'verify-email', { nth = 1, subject }: { nth?: number; subject: RegExp }): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const matching = (await mailTo(address)).filter((message) => subject.test(message.subject));
    const message = matching[nth - 1];
    if (message) return new URL(linkIn(message, `${DASHBOARD}/${page}?token=`)).searchParams.get('token') ?? '';
    if (Date.now() > deadline) throw new Error(`mail ${nth} to ${address} matching ${String(subject)} did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: problem.code }).toEqual({ status, code });
  return problem;
}
