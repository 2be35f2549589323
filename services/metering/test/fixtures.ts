import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function seededRandom(seed: number): { next(): number; int(n: number): number; shuffle<T>(items: T[]): T[] } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

let counter = 0;
export function testUuid(): string {
  counter += 1;
  return `0190a0a0-${(process.pid % 0xffff).toString(16).padStart(4, '0')}-7000-8000-${(Date.now() % 0xffffff).toString(16).padStart(6, '0')}${counter.toString(16).padStart(6, '0')}`;
}

export interface FileOp {
  accountId: string;
  fileId: string;
  size: number;
  storedAt: number;
  deletedAt: number | null;
}

/** Random files over a few accounts; about half are deleted again. */
export function randomOps(seed: number, options: { accounts: number; files: number; from: number; spanMs: number }): { ops: FileOp[]; events: FileEvent[] } {
  const random = seededRandom(seed);
  const accounts = Array.from({ length: options.accounts }, () => testUuid());
  const ops: FileOp[] = [];
  const events: FileEvent[] = [];
  for (let i = 0; i < options.files; i++) {
    const accountId = accounts[random.int(accounts.length)]!;
    const fileId = testUuid();
    const size = 1 + random.int(2 ** 40);
    const storedAt = options.from + random.int(options.spanMs);
    const deletedAt = random.next() < 0.5 ? storedAt + random.int(options.spanMs) : null;
    ops.push({ accountId, fileId, size, storedAt, deletedAt });
    events.push(fileEvent('file.stored', testUuid(), { file_id: fileId, account_id: accountId, size_bytes: size, content_type: 'video/mp4', stored_at: new Date(storedAt).toISOString() }));
    if (deletedAt !== null) {
      events.push(fileEvent('file.deleted', testUuid(), { file_id: fileId, account_id: accountId, size_bytes: size, deleted_at: new Date(deletedAt).toISOString() }));
    }
  }
  return { ops, events };
}

/** The exact answer, straight from the operations. */
export function expectedUsage(ops: FileOp[], t: number): Map<string, { byteMs: bigint; storedBytes: bigint; files: number }> {
  const byAccount = new Map<string, { byteMs: bigint; storedBytes: bigint; files: number }>();
  for (const op of ops) {
    const entry = byAccount.get(op.accountId) ?? { byteMs: 0n, storedBytes: 0n, files: 0 };
    entry.byteMs += BigInt(op.size) * BigInt(Math.min(op.deletedAt ?? t, t) - op.storedAt);
    if (op.deletedAt === null) {
      entry.storedBytes += BigInt(op.size);
      entry.files += 1;
    }
    byAccount.set(op.accountId, entry);
  }
  return byAccount;
}

const usageRow = z.object({ account_id: z.string(), byte_ms: z.string(), stored_bytes: z.string(), file_count: z.number(), days_byte_ms: z.string().nullable() });

/** What the projection says, computed two ways: from the account totals and from the daily rows. */
export async function projectedUsage(connection: CommonQueryMethods, t: number, schema = 'metering') {
  const rows = await connection.any(sql.type(usageRow)`
    select u.account_id,
           (u.closed_byte_ms + u.stored_bytes * ${t}::numeric - u.open_start_weight)::text as byte_ms,
           u.stored_bytes::text, u.file_count,
           (select sum(d.partial_byte_ms - d.bytes_delta * (((d.day - date '1970-01-01') + 1)::numeric * 86400000 - ${t}::numeric))
            from ${sql.identifier([schema, 'account_days'])} d where d.account_id = u.account_id)::text as days_byte_ms
    from ${sql.identifier([schema, 'account_usage'])} u`);
  return new Map(rows.map((row) => [row.account_id, row]));
}
