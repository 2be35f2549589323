import { expect, it } from 'vitest';
import { Baketsu } from '../client.js';
import { ValidationError } from '../errors.js';

function recorder(answer: (url: URL) => Response) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ method: init.method ?? 'GET', path: url.pathname + url.search, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return answer(url);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

it('creates, previews, changes and deletes rules on the lifecycle paths', async () => {
  const api = recorder((url) => (url.pathname.endsWith('/r1') && !url.search ? new Response(null, { status: 204 }) : json({ id: 'r1', items: [] }, 200)));
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: api.fetch });
  const rule = { name: 'old', action: 'delete_older_than', days: 30, tag: 'tmp' } as const;
  await client.lifecycle.dryRun(rule);
  await client.lifecycle.create(rule);
  await client.lifecycle.update('r1', { enabled: false });
  await client.lifecycle.runs('r1', { limit: 5 });
  await client.lifecycle.deletions('r1', { run_id: 'u1' });
  await client.lifecycle.delete('r1');
  expect(api.calls).toEqual([
    { method: 'POST', path: '/v1/lifecycle-rules/dry-run', body: rule },
    { method: 'POST', path: '/v1/lifecycle-rules', body: rule },
    { method: 'PATCH', path: '/v1/lifecycle-rules/r1', body: { enabled: false } },
    { method: 'GET', path: '/v1/lifecycle-rules/r1/runs?limit=5', body: undefined },
    { method: 'GET', path: '/v1/lifecycle-rules/r1/deletions?run_id=u1', body: undefined },
    { method: 'DELETE', path: '/v1/lifecycle-rules/r1', body: undefined },
  ]);
});

it('a rule that does not fit its action is a ValidationError carrying the code and the field, and is not retried', async () => {
  const api = recorder(
    () =>
      new Response(JSON.stringify({ type: 'about:blank', title: 't', status: 422, code: 'invalid_lifecycle_rule', errors: [{ path: '/body/days', message: 'is required' }] }), {
        status: 422,
        headers: { 'content-type': 'application/problem+json' },
      }),
  );
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: api.fetch, maxRetries: 3 });
  const error = await client.lifecycle.create({ name: 'x', action: 'delete_older_than' }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ status: 422, code: 'invalid_lifecycle_rule' });
  expect(api.calls).toHaveLength(1);
});

it('single-request methods hand over the response, as every other resource does (withResponse)', async () => {
  const api = recorder(() => new Response(JSON.stringify({ id: 'r1' }), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' } }));
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: api.fetch });
  const { data, requestId } = await client.lifecycle.get('r1').withResponse();
  expect(data).toEqual({ id: 'r1' });
  expect(requestId).toBe('req-1');
  expect((await client.lifecycle.update('r1', { enabled: true }).withResponse()).requestId).toBe('req-1');
});
