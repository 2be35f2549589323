// Opaque keyset cursors of the webhook listings: endpoints (oldest first: creation instant and id)
// and deliveries (newest event first: the last event id; event ids are UUIDv7, ordered by time).
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

const MAX_DATE_MS = 8_640_000_000_000_000;
const endpointCursor = z.object({ c: z.number().int().nonnegative().max(MAX_DATE_MS), i: z.string().uuid() });
const deliveryCursor = z.object({ e: z.string().uuid() });

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(schema: z.ZodType<T>, raw: string): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw errors.invalidCursor('the cursor is malformed');
  }
}

export const encodeEndpointCursor = (after: { createdAt: number; id: string }) => encode({ c: after.createdAt, i: after.id });
export function decodeEndpointCursor(raw: string): { createdAt: number; id: string } {
  const { c, i } = decode(endpointCursor, raw);
  return { createdAt: c, id: i };
}

export const encodeDeliveryCursor = (eventId: string) => encode({ e: eventId });
export const decodeDeliveryCursor = (raw: string): string => decode(deliveryCursor, raw).e;
