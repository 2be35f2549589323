// Files as the dashboard's pages need them, through the SDK.
import type { Baketsu } from '@baketsu/sdk';
import { z } from 'zod';
import { SORTS, TYPE_FILTERS } from './file-filters.js';

const querySchema = z.object({
  q: z.string().trim().max(255).optional().transform((v) => v || undefined),
  type: z.enum(TYPE_FILTERS.map(([value]) => value) as [string, ...string[]]).optional().transform((v) => v || undefined),
  tag: z.string().trim().toLowerCase().max(64).optional().transform((v) => v || undefined),
  sort: z.enum(SORTS).catch('created'),
  order: z.enum(['asc', 'desc']).optional().catch(undefined),
  cursor: z.string().max(2048).optional().transform((v) => v || undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(25),
});

export type FileQuery = z.infer<typeof querySchema>;

export function parseFileQuery(url: URL): FileQuery {
  return querySchema.parse(Object.fromEntries(url.searchParams));
}

export async function listFiles(api: Baketsu, query: FileQuery) {
  const { q, type, tag, sort, order, cursor, limit } = query;
  return api.files.list({ q, type, tag, sort, order, cursor, limit });
}

/** Tags as typed in one box: comma-separated, trimmed, de-duplicated (the API lower-cases). */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}
