export { requireTestEnv, type TestDatabase } from '@baketsu/platform/testing';
export { createTestDatabase } from './api-test-database.js';
export { startTestApi, TEST_JWT_SECRET, type TestApi } from './test-api.js';
export { createTestBucket, type TestBucket } from './test-bucket.js';
export { linkIn, mailTo, testSmtpUrl, uniqueAddress, waitForMail, type MailpitMessage } from './mailpit.js';
export { backdateFiles } from '#src/lifecycle/testing/lifecycle-test-kit.js';
export { appendRawEvent, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '#src/webhooks/testing/receiver.js';
