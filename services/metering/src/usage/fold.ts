import type { FileEvent } from '@baketsu/contract/events';
import { evolve, type FileInterval } from './file-interval.js';
import { UsageLedger } from './usage-ledger.js';

export interface FoldResult {
  /** Every file whose interval changed, in its new state. */
  files: Map<string, FileInterval>;
  /** The change to the aggregate totals caused by these events. */
  ledger: UsageLedger;
}

/**
 * Folds events onto known file intervals. `known` holds the current state of files the events
 * touch (empty when folding from the start); it is not modified.
 */
export function fold(events: Iterable<FileEvent>, known: ReadonlyMap<string, FileInterval> = new Map()): FoldResult {
  const files = new Map<string, FileInterval>();
  const ledger = new UsageLedger();
  for (const event of events) {
    const before = files.get(event.data.file_id) ?? known.get(event.data.file_id);
    const after = evolve(before, event);
    if (before && sameInterval(before, after)) continue;
    ledger.transition(before, after);
    files.set(after.fileId, after);
  }
  return { files, ledger: ledger.compact() };
}

function sameInterval(a: FileInterval, b: FileInterval): boolean {
  return (
    a.sizeBytes === b.sizeBytes && a.family === b.family && a.storedAt === b.storedAt && a.deletedAt === b.deletedAt && a.accountId === b.accountId
  );
}
