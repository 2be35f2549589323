// Test kit shared by every package's integration tests (never imported by production code).
export { createTestDatabase, requireTestEnv, type TestDatabase } from './test-database.js';
