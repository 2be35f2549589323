import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { openApiSpecPath } from './contract-document.js';
import { lifecycleErrors } from '#src/lifecycle/lifecycle-errors.js';
import { accountErrors } from '#src/accounts/account-errors.js';
import { accountMailErrors } from '#src/auth/account-mail-errors.js';
import { shareErrors } from '#src/shares/share-errors.js';
import { usageErrors } from '#src/usage/usage-errors.js';
import { webhookErrors } from '#src/webhooks/webhook-errors.js';
import { errors } from './errors.js';
import type { Problem } from './problem.js';

type Catalogue = typeof errors;

// One call of every factory in the catalogue. A factory added without its line here is a type
// error, so every code the API can answer takes part in the comparison below.
const everyFactory: { [Name in keyof Catalogue]: Parameters<Catalogue[Name]> } = {
  validationFailed: [[{ path: '/body/name', message: 'is required' }]],
  badRequest: ['unreadable'],
  malformedJson: [],
  payloadTooLarge: [1024],
  unsupportedMediaType: ['text/plain'],
  routeNotFound: ['GET', '/v1/nope'],
  methodNotAllowed: ['DELETE', '/v1/me', 'GET, HEAD'],
  headersTooLarge: [16384],
  malformedRequest: [],
  unauthenticated: [],
  invalidToken: [],
  insufficientScope: ['write'],
  sessionRequired: [],
  apiKeyNotFound: ['id'],
  tooManyApiKeys: [25],
  invalidCredentials: [],
  invalidRefreshToken: [],
  refreshTokenReused: [],
  emailTaken: [],
  weakPassword: ['too short'],
  invalidEmail: [],
  tooManyRequests: [60],
  notReady: ['migrating'],
  invalidFileName: ['/body/name', 'is empty'],
  fileTooLarge: [2, 1],
  invalidContentType: ['image'],
  contentTypeNotAllowed: ['text/html', ['image/png']],
  invalidChecksum: [],
  invalidPartSize: ['is too small'],
  invalidTags: ['too many'],
  invalidCursor: ['garbled'],
  fileNotFound: ['id'],
  uploadNotFound: ['id'],
  uploadNotPending: ['id', 'completed'],
  uploadIncomplete: ['part 2 is missing'],
  uploadNotMultipart: ['id'],
  invalidIdempotencyKey: [],
  idempotencyKeyInUse: [],
  idempotencyKeyReused: [],
  uploadNotSingle: ['id'],
  invalidParts: ['part 3 was not uploaded'],
  uploadMismatch: ['The size differs.'],
  storageQuotaExceeded: [10, 8, 4],
  spendCapExceeded: ['1.00', '1.50', '0.50', 'usd'],
  spendCapAboveLimit: ['5.00', 'usd'],
  storageUnavailable: [],
  tooManyIds: [1000],
  pathTaken: ['reports/q4.pdf', 'file'],
  invalidFolderName: ['/body/path', 'has an empty segment'],
  folderNotFound: ['id'],
  folderNotEmpty: ['id'],
  folderCycle: [],
  billingNotConfigured: [],
  alreadySubscribed: ['active'],
  paymentPastDue: [],
  passwordSessionRequired: [],
  limitsSessionRequired: [],
  billingSessionRequired: [],
  webhookSignatureMissing: [],
  webhookSignatureInvalid: [],
  webhookTimestampOutOfTolerance: [300],
  webhookPayloadInvalid: ['no type'],
  billingProviderUnavailable: [],
  databaseUnavailable: [],
  internal: [],
};

// The share links keep their part of the catalogue in their feature folder.
type ShareCatalogue = typeof shareErrors;
const everyShareFactory: { [Name in keyof ShareCatalogue]: Parameters<ShareCatalogue[Name]> } = {
  shareNotFound: ['id'],
  shareRevoked: [],
  shareExpired: [new Date(0)],
  shareExhausted: [3],
  shareTargetDeleted: [],
  sharePasswordRequired: [],
  sharePasswordIncorrect: [],
  shareFileRequired: [],
  invalidShareExpiry: ['must be in the future'],
};

// So does live usage.
type UsageCatalogue = typeof usageErrors;
const everyUsageFactory: { [Name in keyof UsageCatalogue]: Parameters<UsageCatalogue[Name]> } = {
  tooManyStreams: [20, 5],
};

// So do the lifecycle rules.
type LifecycleCatalogue = typeof lifecycleErrors;
const everyLifecycleFactory: { [Name in keyof LifecycleCatalogue]: Parameters<LifecycleCatalogue[Name]> } = {
  lifecycleRuleNotFound: ['id'],
  invalidLifecycleRule: [[{ path: '/body/days', message: 'is required by delete_older_than' }]],
  lifecycleRuleConflict: [],
  tooManyLifecycleRules: [50],
};

// So do the accounts (deletion, usage alerts).
type AccountCatalogue = typeof accountErrors;
const everyAccountFactory: { [Name in keyof AccountCatalogue]: Parameters<AccountCatalogue[Name]> } = {
  deletionSessionRequired: [],
  spendCapRequired: [],
  invalidAlertThreshold: ['/body/thresholds/0/amount', 'must be more than zero'],
};

// So do the flows that go through mail (password reset, verification, profile).
type AccountMailCatalogue = typeof accountMailErrors;
const everyAccountMailFactory: { [Name in keyof AccountMailCatalogue]: Parameters<AccountMailCatalogue[Name]> } = {
  resetTokenNotFound: [],
  resetTokenExpired: [],
  resetTokenUsed: [],
  verificationTokenNotFound: [],
  verificationTokenExpired: [],
  verificationTokenUsed: [],
  emailVerificationRequired: [100, 90, 20],
  profileSessionRequired: [],
};

// So do the webhooks.
type WebhookCatalogue = typeof webhookErrors;
const everyWebhookFactory: { [Name in keyof WebhookCatalogue]: Parameters<WebhookCatalogue[Name]> } = {
  webhookNotFound: ['id'],
  webhookEventNotFound: ['id'],
  webhookUrlNotAllowed: ['resolves to a private address'],
  tooManyWebhooks: [20],
};

function codesOf<C extends Record<string, unknown>>(catalogue: C, calls: { [Name in keyof C]: readonly unknown[] }): string[] {
  return Object.entries(calls).map(([name, args]) => (catalogue[name] as (...args: readonly unknown[]) => Problem)(...(args as unknown[])).code);
}

function catalogueCodes(): string[] {
  return [...new Set([...codesOf(errors, everyFactory), ...codesOf(shareErrors, everyShareFactory), ...codesOf(usageErrors, everyUsageFactory), ...codesOf(lifecycleErrors, everyLifecycleFactory), ...codesOf(accountErrors, everyAccountFactory), ...codesOf(accountMailErrors, everyAccountMailFactory), ...codesOf(webhookErrors, everyWebhookFactory)])].sort();
}

function contractCodes(): unknown {
  const spec = parse(readFileSync(openApiSpecPath, 'utf8')) as { components: { schemas: { Problem: { properties: { code: { enum?: unknown } } } } } };
  return spec.components.schemas.Problem.properties.code.enum;
}

// The compiler already refuses a code the contract lacks (Problem.code is the generated enum); this
// also refuses one the contract keeps after the catalogue dropped it.
test('Problem.code in openapi.yaml lists exactly the error catalogue, sorted (paste the expected list on failure)', () => {
  expect(contractCodes()).toEqual(catalogueCodes());
});
