export { createTestDatabase, requireTestEnv, type TestDatabase } from './test-database.js';
export { startTestApi, TEST_JWT_SECRET, type TestApi } from './test-api.js';
export { createTestBucket, type TestBucket } from './test-bucket.js';
