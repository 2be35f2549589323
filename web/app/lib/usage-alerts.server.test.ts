import { Baketsu } from '@baketsu/sdk';
import { expect, test } from 'vitest';
import { saveAlertThresholds } from './usage-alerts.server.js';

/** A client whose every request is refused with `problem`, recording what was sent. */
function refusing(problem: Record<string, unknown>): { api: Baketsu; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const fetch = (async (_input: string | URL, init: RequestInit = {}) => {
    bodies.push(init.body ? JSON.parse(String(init.body)) : undefined);
    return new Response(JSON.stringify({ type: 'about:blank', ...problem }), { status: Number(problem.status), headers: { 'content-type': 'application/problem+json' } });
  }) as typeof globalThis.fetch;
  return { api: new Baketsu({ baseUrl: 'http://api', accessToken: 't' }, { fetch, maxRetries: 0 }), bodies };
}

test('a percentage without a spend cap points to Settings, not to the API endpoint', async () => {
  const { api, bodies } = refusing({
    status: 409,
    code: 'spend_cap_required',
    title: 'A percentage threshold needs a monthly spend cap',
    detail: 'Set a monthly spend cap first (PATCH /v1/me/limits), or give the threshold as an amount.',
  });
  const result = await saveAlertThresholds(api, '80%, 25');
  expect(bodies).toEqual([{ thresholds: [{ percent_of_cap: 80 }, { amount: '25' }] }]);
  expect(result).toEqual({ ok: false, errors: { fields: { thresholds: expect.stringContaining('Settings') } } });
  expect(JSON.stringify(result)).not.toContain('/v1/');
});

test("any other refusal is shown under the field in the API's words", async () => {
  const { api } = refusing({ status: 422, code: 'invalid_alert_threshold', title: 'The alert threshold cannot be used', detail: 'Two thresholds name the same value.', errors: [{ path: '/body/thresholds/1', message: 'Two thresholds name the same value.' }] });
  expect(await saveAlertThresholds(api, '25, 25.00')).toEqual({ ok: false, errors: { fields: { thresholds: 'Two thresholds name the same value.' } } });
});
