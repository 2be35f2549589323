import { expect, test } from 'vitest';
import { parseCreateForm } from './webhooks.server.js';

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
