// Opaque keyset cursor of the link listing (newest first): the last link's creation instant and id.
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

export interface ShareCursor {
  /** Epoch milliseconds. */
  createdAt: number;
  id: string;
}

/** The latest instant a JavaScript Date can hold. */
const MAX_DATE_MS = 8_640_000_000_000_000;

const cursorSchema = z.object({ c: z.number().int().nonnegative().max(MAX_DATE_MS), i: z.string().uuid() });

export const encodeShareCursor = (cursor: ShareCursor): string =>
  Buffer.from(JSON.stringify({ c: cursor.createdAt, i: cursor.id })).toString('base64url');

export function decodeShareCursor(raw: string): ShareCursor {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return { createdAt: parsed.c, id: parsed.i };
  } catch {
    throw errors.invalidCursor('the cursor is malformed');
  }
}
