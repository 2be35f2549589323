// What other services may read of metering: the usage read model (queries over the `metering`
// schema, which only metering writes) and the migrations that create it. The API's usage and
// billing routes go through this module, never through metering's tables by name.
export { byteMsBetween, cumulativeByteMs } from './byte-time.js';
export { meteringMigrations, migrateMetering } from './schema.js';
export { usageRepository, type MonthFileRow, type UsageRepository, type UsageSnapshotRows } from './usage-repository.js';
export { accountOfNotification, USAGE_CHANGED_CHANNEL } from './usage-changes.js';
