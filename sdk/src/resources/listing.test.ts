import { expect, test } from 'vitest';
import { Listing, type CursorPage } from './listing.js';

type Page = CursorPage<number>;

/** Three pages of two numbers each, recording which cursors were asked for. */
function threePages(): { listing: Listing<Page>; asked: (string | undefined)[] } {
  const asked: (string | undefined)[] = [];
  const pages: Record<string, Page> = {
    first: { items: [1, 2], next_cursor: 'b' },
    b: { items: [3, 4], next_cursor: 'c' },
    c: { items: [5, 6] },
  };
  const listing = new Listing<Page>(async (cursor) => {
    asked.push(cursor);
    return pages[cursor ?? 'first']!;
  });
  return { listing, asked };
}

test('iterating a listing yields every item across pages, fetching each page once', async () => {
  const { listing, asked } = threePages();
  const seen: number[] = [];
  for await (const item of listing) seen.push(item);
  expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  expect(asked).toEqual([undefined, 'b', 'c']);
});

test('pages() walks the pages themselves; awaiting gives the first page only', async () => {
  const { listing, asked } = threePages();
  expect(await listing).toEqual({ items: [1, 2], next_cursor: 'b' });
  expect(asked).toEqual([undefined]);
  const pages: number[][] = [];
  for await (const page of listing.pages()) pages.push(page.items);
  expect(pages).toEqual([[1, 2], [3, 4], [5, 6]]);
});

test('breaking out of the item loop fetches no further page', async () => {
  const { listing, asked } = threePages();
  for await (const item of listing) if (item === 2) break;
  expect(asked).toEqual([undefined]);
});
