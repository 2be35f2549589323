import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { openApiSpecPath } from './contract-document.js';
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
  internal: [],
};

function catalogueCodes(): string[] {
  const codes = Object.entries(everyFactory).map(([name, args]) => {
    const factory = errors[name as keyof Catalogue] as (...args: readonly unknown[]) => Problem;
    return factory(...args).code;
  });
  return [...new Set(codes)].sort();
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
