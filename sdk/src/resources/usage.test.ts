import { expect, it } from 'vitest';
import { Baketsu } from '../client.js';

it('reads usage, the trend and the files behind a month, page by page', async () => {
  const seen: string[] = [];
  const fetch = (async (input: string | URL) => {
    const url = new URL(String(input));
    seen.push(url.pathname + url.search);
    const body =
      url.pathname === '/v1/dashboard/usage/files'
        ? { month: '2026-11', byte_ms_total: '10', items: [{ file_id: url.searchParams.get('cursor') ?? 'a' }], ...(url.searchParams.get('cursor') ? {} : { next_cursor: 'b' }) }
        : { items: [] };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
  await client.usage.get();
  await client.usage.trend({ days: 7 });
  const ids: string[] = [];
  for await (const file of client.usage.files({ month: '2026-11', limit: 1 })) ids.push(file.file_id);
  expect(ids).toEqual(['a', 'b']);
  expect(seen).toEqual([
    '/v1/dashboard/usage',
    '/v1/dashboard/trend?days=7',
    '/v1/dashboard/usage/files?month=2026-11&limit=1',
    '/v1/dashboard/usage/files?month=2026-11&limit=1&cursor=b',
  ]);
});

it('reads billing and opens checkout and the portal', async () => {
  const calls: string[] = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    calls.push(`${init.method} ${new URL(String(input)).pathname}`);
    return new Response(JSON.stringify({ url: 'https://checkout', mode: 'ledger_only' }), { status: init.method === 'POST' ? 201 : 200 });
  }) as typeof globalThis.fetch;
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch });
  expect((await client.billing.get()).mode).toBe('ledger_only');
  expect((await client.billing.checkout()).url).toBe('https://checkout');
  await client.billing.portal();
  expect(calls).toEqual(['GET /v1/billing', 'POST /v1/billing/checkout', 'POST /v1/billing/portal']);
});

it('reads and sets alert thresholds and lists alerts, page by page', async () => {
  const seen: string[] = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    seen.push(`${init.method} ${url.pathname}${url.search}${init.body ? ` ${String(init.body)}` : ''}`);
    const body =
      url.pathname === '/v1/usage/alerts'
        ? { items: [{ id: url.searchParams.get('cursor') ?? 'a' }], ...(url.searchParams.get('cursor') ? {} : { next_cursor: 'b' }) }
        : { thresholds: [{ percent_of_cap: 80 }], monthly_spend_cap: '10.000000', currency: 'usd' };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
  expect((await client.usage.alertThresholds()).thresholds).toEqual([{ percent_of_cap: 80 }]);
  await client.usage.setAlertThresholds({ thresholds: [{ percent_of_cap: 80 }, { amount: '25.00' }] });
  const ids: string[] = [];
  for await (const alert of client.usage.alerts({ limit: 1 })) ids.push(alert.id);
  expect(ids).toEqual(['a', 'b']);
  expect(seen).toEqual([
    'GET /v1/usage/alert-thresholds',
    'PUT /v1/usage/alert-thresholds {"thresholds":[{"percent_of_cap":80},{"amount":"25.00"}]}',
    'GET /v1/usage/alerts?limit=1',
    'GET /v1/usage/alerts?limit=1&cursor=b',
  ]);
});
