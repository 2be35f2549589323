import { intervalByteMsBetween } from '@baketsu/billing-core';
import type { FileEvent } from '@baketsu/contract/events';

/**
 * What metering knows about one file: the fold state of its event stream. Either event may arrive
 * first (a delete can overtake its store), and either may arrive twice.
 */
export interface FileInterval {
  fileId: string;
  accountId: string;
  sizeBytes: bigint;
  /** Content-type family; null until the store event has been seen. */
  family: string | null;
  /** Epoch milliseconds, from the events themselves (never from a clock). */
  storedAt: number | null;
  deletedAt: number | null;
}

export function evolve(file: FileInterval | undefined, event: FileEvent): FileInterval {
  // Literals rather than `{ ...file, ... }`: this runs once per event, and a spread costs more than the rest.
  const fileId = file?.fileId ?? event.data.file_id;
  const accountId = file?.accountId ?? event.data.account_id;
  switch (event.type) {
    case 'file.stored':
      return {
        fileId,
        accountId,
        sizeBytes: BigInt(event.data.size_bytes),
        family: contentFamily(event.data.content_type),
        // Earliest wins, so the result does not depend on which copy of a fact came first.
        storedAt: earliest(file?.storedAt ?? null, Date.parse(event.data.stored_at)),
        deletedAt: file?.deletedAt ?? null,
      };
    case 'file.deleted':
      return {
        fileId,
        accountId,
        sizeBytes: file?.sizeBytes ?? BigInt(event.data.size_bytes),
        family: file?.family ?? null,
        storedAt: file?.storedAt ?? null,
        deletedAt: earliest(file?.deletedAt ?? null, Date.parse(event.data.deleted_at)),
      };
    default:
      return assertNever(event);
  }
}

/** Billable interval, or null while the store has not been seen. A delete stamped before its store bills nothing (billing-core's rule). */
export function billableInterval(file: FileInterval): { from: number; to: number | null } | null {
  if (file.storedAt === null) return null;
  if (file.deletedAt === null) return { from: file.storedAt, to: null };
  return { from: file.storedAt, to: Math.max(file.deletedAt, file.storedAt) };
}

/** Byte-milliseconds the file accrued in [from, to): billing-core's rule, the one its SQL twin is tested against. */
export function byteMsBetween(file: FileInterval, from: number, to: number): bigint {
  return intervalByteMsBetween({ sizeBytes: file.sizeBytes, storedAtMs: file.storedAt, deletedAtMs: file.deletedAt }, from, to);
}

const FAMILY_BY_SUBTYPE: Record<string, string> = {
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/rtf': 'document',
  'application/zip': 'archive',
  'application/gzip': 'archive',
  'application/x-tar': 'archive',
  'application/x-7z-compressed': 'archive',
  'application/json': 'text',
  'application/xml': 'text',
};
const TOP_LEVEL_FAMILIES = new Set(['image', 'video', 'audio', 'text', 'font', 'model']);

const familyByContentType = new Map<string, string>();

/** Groups content types into the few families the dashboard shows. */
export function contentFamily(contentType: string): string {
  let family = familyByContentType.get(contentType);
  if (family === undefined) {
    family = familyOf(contentType);
    // Content types repeat endlessly; the bound only guards against a stream of made-up ones.
    if (familyByContentType.size > 10_000) familyByContentType.clear();
    familyByContentType.set(contentType, family);
  }
  return family;
}

function familyOf(contentType: string): string {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  const known = FAMILY_BY_SUBTYPE[essence];
  if (known) return known;
  if (essence.startsWith('application/vnd.openxmlformats-officedocument') || essence.startsWith('application/vnd.oasis.opendocument')) {
    return 'document';
  }
  const topLevel = essence.split('/')[0] ?? '';
  return TOP_LEVEL_FAMILIES.has(topLevel) ? topLevel : 'other';
}

function earliest(current: number | null, candidate: number): number {
  return current === null ? candidate : Math.min(current, candidate);
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
