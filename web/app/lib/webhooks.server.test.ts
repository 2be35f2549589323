import { expect, test } from 'vitest';
import { Baketsu } from '@baketsu/sdk';
import { listAllEndpoints, parseCreateForm } from './webhooks.server.js';

const formOf = (entries: Array<[string, string]>) => {
  const form = new FormData();
  for (const [key, value] of entries) form.append(key, value);
  return form;
};

test('the create form becomes the API body, the folder by its path, unknown event types dropped', () => {
  const parsed = parseCreateForm(formOf([
    ['url', ' https://example.com/hooks '],
    ['event_types', 'file.stored'],
    ['event_types', 'file.renamed'],
    ['event_types', 'upload.expired'],
    ['event_types', 'folder.moved'],
    ['folder', '/reports/2026/'],
    ['tag', ' invoices '],
  ]));
  expect(parsed).toEqual({
    params: { url: 'https://example.com/hooks', event_types: ['file.stored', 'upload.expired', 'folder.moved'], tag: 'invoices' },
    folderPath: 'reports/2026',
  });
});

test('no event chosen is the form\'s own error', () => {
  expect(parseCreateForm(formOf([['url', 'https://example.com/'], ['event_types', 'nope']]))).toEqual({
    errors: { fields: { event_types: 'Choose at least one event' } },
  });
});

test('the endpoints page reads every page of endpoints, not only the first', async () => {
  const endpoint = (n: number) => ({ id: `w${n}`, url: `https://example.com/${n}` });
  const requested: string[] = [];
  const fetch = (async (input: string | URL) => {
    const url = new URL(String(input));
    requested.push(url.search);
    const second = url.searchParams.get('cursor') === 'page-2';
    const body = second ? { items: [endpoint(3)], next_cursor: null } : { items: [endpoint(1), endpoint(2)], next_cursor: 'page-2' };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const api = new Baketsu({ baseUrl: 'http://api.test', apiKey: 'bk_test' }, { fetch });
  expect((await listAllEndpoints(api)).map((webhook) => webhook.id)).toEqual(['w1', 'w2', 'w3']);
  expect(requested).toEqual(['?limit=200', '?limit=200&cursor=page-2']);
});
