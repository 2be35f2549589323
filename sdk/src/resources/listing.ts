// Cursor pagination shared by every list endpoint.

export interface CursorPage<Item> {
  items: Item[];
  next_cursor?: string;
}

/**
 * `await list()` is one page; `for await (const page of list())` walks every page and
 * `for await (const item of list().items())` every item. Nothing is fetched until used.
 */
export class Listing<Page extends CursorPage<Item>, Item = Page['items'][number]> implements PromiseLike<Page>, AsyncIterable<Page> {
  private first: Promise<Page> | undefined;

  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page>) {}

  then<A = Page, B = never>(
    onFulfilled?: ((page: Page) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.first ??= this.fetchPage(undefined);
    return this.first.then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Page> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.next_cursor;
    } while (cursor);
  }

  async *items(): AsyncIterableIterator<Item> {
    for await (const page of this) yield* page.items as Item[];
  }
}
