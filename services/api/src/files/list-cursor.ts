// Opaque keyset cursors: the sort key of the last row returned plus its id (the tie-breaker), so a
// page never repeats or skips a row however many are added or removed meanwhile.
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

export type FileSort = 'created' | 'name' | 'size';
export type SortOrder = 'asc' | 'desc';

export interface Cursor {
  sort: FileSort;
  order: SortOrder;
  /** created: epoch ms; size: bytes; name: the name. */
  value: number | string;
  id: string;
}

/** The latest instant a JavaScript Date (and so a `created` cursor) can hold. */
const MAX_DATE_MS = 8_640_000_000_000_000;

// Cursors come back from clients, who can write their own: every value must be one the query can
// take (a real instant, a byte count, text PostgreSQL can hold), or the cursor is refused.
const cursorSchema = z.object({
  s: z.enum(['created', 'name', 'size']),
  o: z.enum(['asc', 'desc']),
  v: z.union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z.string().max(1024).refine((text) => !text.includes('\u0000')),
  ]),
  i: z.string().uuid(),
});

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, o: cursor.order, v: cursor.value, i: cursor.id })).toString('base64url');
}

/** A cursor only continues the listing it came from: same sort and order. */
export function decodeCursor(raw: string, sort: FileSort, order: SortOrder): Cursor {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw errors.invalidCursor('the cursor is malformed');
  }
  if (parsed.s !== sort || parsed.o !== order) throw errors.invalidCursor('the cursor belongs to a listing with another sort or order');
  if ((sort === 'name') !== (typeof parsed.v === 'string')) throw errors.invalidCursor('the cursor is malformed');
  if (sort === 'created' && (parsed.v as number) > MAX_DATE_MS) throw errors.invalidCursor('the cursor is malformed');
  return { sort: parsed.s, order: parsed.o, value: parsed.v, id: parsed.i };
}
