// Connection settings of the real test servers, printed by `scripts/services env`.
// `npm test` (scripts/test) starts the servers and exports these; to run one project by hand:
//   eval "$(bash scripts/services up)" && npx vitest run --project api:int
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Start the test servers and export their settings first: ` +
        '`eval "$(bash scripts/services up)"` (or run `npm test`, which does both).',
    );
  }
  return value;
}

/** A short name that no other test run uses (topics, buckets, queues, groups). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
