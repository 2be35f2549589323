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

const cursorSchema = z.object({
  s: z.enum(['created', 'name', 'size']),
  o: z.enum(['asc', 'desc']),
  v: z.union([z.number().int().nonnegative(), z.string().max(1024)]),
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
  return { sort: parsed.s, order: parsed.o, value: parsed.v, id: parsed.i };
}
