import { billableInterval, type FileInterval } from './file-interval.js';

export interface AccountTotals {
  storedBytes: bigint;
  fileCount: bigint;
  /** Byte-ms of deleted files, final. */
  closedByteMs: bigint;
  /** Σ size × stored_at over files still held, so byte-ms up to t = closed + stored × t − this. */
  openStartWeight: bigint;
}
export interface FamilyTotals {
  accountId: string;
  family: string;
  bytes: bigint;
  files: bigint;
}
/**
 * One UTC day, difference-encoded so any event order sums to the same rows: `bytesDelta` is the
 * change in stored bytes during the day, `partialByteMs` the byte-ms those changes add up to the
 * day's end. Stored bytes at a day's end are the running sum of `bytesDelta`.
 */
export interface DayTotals {
  accountId: string;
  day: string;
  bytesDelta: bigint;
  partialByteMs: bigint;
}

export const DAY_MS = 86_400_000;

/**
 * Additive usage totals. Every file contributes a fixed set of terms; a change to a file subtracts
 * its old terms and adds its new ones, so totals never depend on the order events arrive in.
 */
export class UsageLedger {
  readonly accounts = new Map<string, AccountTotals>();
  readonly families = new Map<string, FamilyTotals>();
  readonly days = new Map<string, DayTotals>();

  /** Records that `file` changed from `before` to `after`. */
  transition(before: FileInterval | undefined, after: FileInterval): void {
    if (before) this.add(before, -1n);
    this.add(after, 1n);
  }

  add(file: FileInterval, sign: 1n | -1n): void {
    const interval = billableInterval(file);
    if (interval === null) return;
    const size = file.sizeBytes * sign;
    const entry = this.#entry(file.accountId);
    const account = entry.totals;
    this.#day(entry, interval.from, size);
    if (interval.to === null) {
      account.storedBytes += size;
      account.fileCount += sign;
      account.openStartWeight += size * BigInt(interval.from);
      let family = entry.families.get(file.family ?? 'other');
      if (!family) {
        family = this.family(file.accountId, file.family ?? 'other');
        entry.families.set(family.family, family);
      }
      family.bytes += size;
      family.files += sign;
    } else {
      account.closedByteMs += size * BigInt(interval.to - interval.from);
      this.#day(entry, interval.to, -size);
    }
  }

  /**
   * The rows of one account, found by one lookup; this runs once or twice per event, and building
   * `account|day` keys for every term cost more than the arithmetic. The objects are the very ones
   * in the public maps; `compact` drops the index, since it may remove some of them.
   */
  readonly #index = new Map<string, { accountId: string; totals: AccountTotals; families: Map<string, FamilyTotals>; days: Map<number, DayTotals> }>();

  #entry(accountId: string) {
    let entry = this.#index.get(accountId);
    if (!entry) {
      entry = { accountId, totals: this.account(accountId), families: new Map(), days: new Map() };
      this.#index.set(accountId, entry);
    }
    return entry;
  }

  /** A change of `bytes` at instant `at`: it holds from `at` to the end of that UTC day. */
  #day(entry: { accountId: string; days: Map<number, DayTotals> }, at: number, bytes: bigint): void {
    const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    let totals = entry.days.get(dayStart);
    if (!totals) {
      totals = this.day(entry.accountId, dayStart);
      entry.days.set(dayStart, totals);
    }
    totals.bytesDelta += bytes;
    totals.partialByteMs += bytes * BigInt(dayStart + DAY_MS - at);
  }

  /** Adds another ledger's terms to this one (e.g. batch after batch). */
  absorb(other: UsageLedger): this {
    for (const [key, a] of other.accounts) {
      const mine = this.account(key);
      mine.storedBytes += a.storedBytes;
      mine.fileCount += a.fileCount;
      mine.closedByteMs += a.closedByteMs;
      mine.openStartWeight += a.openStartWeight;
    }
    for (const f of other.families.values()) {
      const mine = this.family(f.accountId, f.family);
      mine.bytes += f.bytes;
      mine.files += f.files;
    }
    for (const [key, d] of other.days) {
      const mine = this.days.get(key) ?? { ...d, bytesDelta: 0n, partialByteMs: 0n };
      mine.bytesDelta += d.bytesDelta;
      mine.partialByteMs += d.partialByteMs;
      this.days.set(key, mine);
    }
    return this.compact();
  }

  /** Rows whose terms all cancelled out carry nothing worth writing. */
  compact(): this {
    this.#index.clear();
    for (const [key, a] of this.accounts) {
      if (!a.storedBytes && !a.fileCount && !a.closedByteMs && !a.openStartWeight) this.accounts.delete(key);
    }
    for (const [key, f] of this.families) if (!f.bytes && !f.files) this.families.delete(key);
    for (const [key, d] of this.days) if (!d.bytesDelta && !d.partialByteMs) this.days.delete(key);
    return this;
  }

  private account(accountId: string): AccountTotals {
    let totals = this.accounts.get(accountId);
    if (!totals) {
      totals = { storedBytes: 0n, fileCount: 0n, closedByteMs: 0n, openStartWeight: 0n };
      this.accounts.set(accountId, totals);
    }
    return totals;
  }

  private family(accountId: string, family: string): FamilyTotals {
    const key = `${accountId}|${family}`;
    let totals = this.families.get(key);
    if (!totals) {
      totals = { accountId, family, bytes: 0n, files: 0n };
      this.families.set(key, totals);
    }
    return totals;
  }

  private day(accountId: string, dayStart: number): DayTotals {
    const day = utcDay(dayStart);
    const key = `${accountId}|${day}`;
    let totals = this.days.get(key);
    if (!totals) {
      totals = { accountId, day, bytesDelta: 0n, partialByteMs: 0n };
      this.days.set(key, totals);
    }
    return totals;
  }
}

export function byteMsUpTo(account: AccountTotals, t: number): bigint {
  return account.closedByteMs + account.storedBytes * BigInt(t) - account.openStartWeight;
}

// Formatting a date is the costliest step of a fold; a batch touches only a few distinct days.
const dayNames = new Map<number, string>();

export function utcDay(epochMs: number): string {
  const dayStart = Math.floor(epochMs / DAY_MS) * DAY_MS;
  let name = dayNames.get(dayStart);
  if (name === undefined) {
    name = new Date(dayStart).toISOString().slice(0, 10);
    if (dayNames.size > 100_000) dayNames.clear();
    dayNames.set(dayStart, name);
  }
  return name;
}
