// Cursor pagination shared by every list endpoint.

export interface CursorPage<Item> {
  items: Item[];
  next_cursor?: string;
}

/**
 * A lazily fetched, cursor-paginated list, iterated the way stripe-node and openai-node are:
 *
 * - `await files.list()` is the first page (`{ items, next_cursor }`);
 * - `for await (const file of files.list())` yields every item across every page;
 * - `for await (const page of files.list().pages())` walks the pages themselves.
 *
 * Nothing is fetched until the listing is awaited or iterated; each iteration starts again from
 * the first page.
 */
export class Listing<Page extends CursorPage<Item>, Item = Page['items'][number]> implements PromiseLike<Page>, AsyncIterable<Item> {
  private first: Promise<Page> | undefined;

  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page>) {}

  /** Resolves to the first page. */
  then<A = Page, B = never>(
    onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.first ??= this.fetchPage(undefined);
    return this.first.then(onFulfilled, onRejected);
  }

  /** Every item of every page, fetching the next page only when the current one is used up. */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for await (const page of this.pages()) yield* page.items as Item[];
  }

  /** Every page in order, following `next_cursor` until the last page. */
  async *pages(): AsyncIterableIterator<Page> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.next_cursor;
    } while (cursor);
  }
}
