import { Problem } from './problem.js';

export interface FieldError {
  /** JSON pointer-ish location: `/body/email`, `/query/limit`. */
  path: string;
  message: string;
}

// The catalogue: every problem the API can answer, one factory each.
export const errors = {
  validationFailed: (fieldErrors: FieldError[]) =>
    new Problem({
      status: 400,
      code: 'validation_failed',
      title: 'The request is not valid',
      detail: fieldErrors.map((error) => `${error.path}: ${error.message}`).join('; '),
      extensions: { errors: fieldErrors },
    }),
  /** A client error raised by a library (a path escape that does not decode, a body that does not inflate). */
  badRequest: (detail: string) => new Problem({ status: 400, code: 'bad_request', title: 'The request is malformed', detail }),
  malformedJson: () =>
    new Problem({ status: 400, code: 'malformed_json', title: 'The request body is not valid JSON' }),
  payloadTooLarge: (limitBytes: number) =>
    new Problem({
      status: 413,
      code: 'payload_too_large',
      title: 'The request body is too large',
      detail: `Request bodies are limited to ${limitBytes} bytes.`,
    }),
  unsupportedMediaType: (detail: string) =>
    new Problem({ status: 415, code: 'unsupported_media_type', title: 'Unsupported media type', detail }),
  routeNotFound: (method: string, path: string) =>
    new Problem({ status: 404, code: 'route_not_found', title: 'No such route', detail: `${method} ${path} does not exist.` }),
  /** `allow` is what the route answers to (`GET, HEAD`); RFC 9110 requires it in `Allow` on every 405. */
  methodNotAllowed: (method: string, path: string, allow: string) =>
    new Problem({
      status: 405,
      code: 'method_not_allowed',
      title: 'Method not allowed',
      detail: `${method} is not allowed on ${path}; use ${allow}.`,
      headers: { Allow: allow },
    }),
  /** Node's HTTP parser refused the request line or headers before any route saw them. */
  headersTooLarge: (limitBytes: number) =>
    new Problem({
      status: 431,
      code: 'headers_too_large',
      title: 'The request headers are too large',
      detail: `The request line and headers together are limited to ${limitBytes} bytes.`,
    }),
  /** Whatever else Node's HTTP parser cannot read (a malformed request line or header). */
  malformedRequest: () =>
    new Problem({ status: 400, code: 'malformed_request', title: 'The request is not valid HTTP' }),
  unauthenticated: (detail = 'Send a valid access token or API key as "Authorization: Bearer <token>".') =>
    new Problem({
      status: 401,
      code: 'unauthenticated',
      title: 'Authentication required',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="baketsu"' },
    }),
  invalidToken: (detail = 'The token is invalid or has expired.') =>
    new Problem({
      status: 401,
      code: 'invalid_token',
      title: 'Invalid token',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="baketsu", error="invalid_token"' },
    }),
  insufficientScope: (scope: string) =>
    new Problem({
      status: 403,
      code: 'insufficient_scope',
      title: 'The credentials lack a required scope',
      detail: `This request needs the "${scope}" scope.`,
      headers: { 'WWW-Authenticate': `Bearer realm="baketsu", error="insufficient_scope", scope="${scope}"` },
    }),
  sessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to manage API keys',
      detail: 'API keys cannot create, list or revoke API keys; use an access token from POST /v1/auth/login.',
    }),
  apiKeyNotFound: (id: string) =>
    new Problem({ status: 404, code: 'api_key_not_found', title: 'No such API key', detail: `API key ${id} does not exist.` }),
  tooManyApiKeys: (limit: number) =>
    new Problem({
      status: 409,
      code: 'too_many_api_keys',
      title: 'Too many API keys',
      detail: `An account can hold at most ${limit} active API keys; revoke one first.`,
    }),
  invalidCredentials: () =>
    new Problem({ status: 401, code: 'invalid_credentials', title: 'Email or password is incorrect' }),
  invalidRefreshToken: () =>
    new Problem({ status: 401, code: 'invalid_refresh_token', title: 'The refresh token is invalid, expired or revoked' }),
  refreshTokenReused: () =>
    new Problem({
      status: 401,
      code: 'refresh_token_reused',
      title: 'The refresh token was already used',
      detail: 'Every session of this sign-in has been revoked as a precaution; sign in again.',
    }),
  emailTaken: () =>
    new Problem({ status: 409, code: 'email_taken', title: 'An account with this email already exists' }),
  weakPassword: (detail: string, path = '/body/password') =>
    new Problem({
      status: 400,
      code: 'weak_password',
      title: 'The password is not acceptable',
      detail,
      extensions: { errors: [{ path, message: detail }] },
    }),
  invalidEmail: () =>
    new Problem({
      status: 400,
      code: 'invalid_email',
      title: 'The email address is not valid',
      extensions: { errors: [{ path: '/body/email', message: 'must be a valid email address' }] },
    }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new Problem({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail: `Try again in ${retryAfterSeconds} seconds.`,
      extensions: { retry_after: retryAfterSeconds },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  notReady: (detail: string) => new Problem({ status: 503, code: 'not_ready', title: 'Service not ready', detail }),
  // --- files and uploads ---
  invalidFileName: (path: string, message: string) =>
    new Problem({
      status: 400,
      code: 'invalid_file_name',
      title: 'The file name is not acceptable',
      detail: `The name ${message}.`,
      extensions: { errors: [{ path, message }] },
    }),
  fileTooLarge: (size: number, maxBytes: number) =>
    new Problem({
      status: 400,
      code: 'file_too_large',
      title: 'The file is larger than allowed',
      detail: `Files are limited to ${maxBytes} bytes; this one declares ${size}.`,
      extensions: { max_size: maxBytes, errors: [{ path: '/body/size', message: `must be at most ${maxBytes}` }] },
    }),
  invalidContentType: (given: string) =>
    new Problem({
      status: 400,
      code: 'invalid_content_type',
      title: 'The content type is not a valid media type',
      detail: `"${given.slice(0, 100)}" is not of the form type/subtype (parameters are not accepted).`,
      extensions: { errors: [{ path: '/body/content_type', message: 'must be type/subtype' }] },
    }),
  contentTypeNotAllowed: (contentType: string, allowed: readonly string[]) =>
    new Problem({
      status: 400,
      code: 'content_type_not_allowed',
      title: 'This content type may not be uploaded',
      detail: `${contentType} is not among the allowed types: ${allowed.join(', ')}.`,
      extensions: { allowed_content_types: [...allowed] },
    }),
  invalidChecksum: () =>
    new Problem({
      status: 400,
      code: 'invalid_checksum',
      title: 'The checksum is not a SHA-256',
      detail: 'Send sha256 as 64 hex digits or as 44 characters of base64.',
      extensions: { errors: [{ path: '/body/sha256', message: 'must be a SHA-256 in hex or base64' }] },
    }),
  invalidPartSize: (message: string) =>
    new Problem({
      status: 400,
      code: 'invalid_part_size',
      title: 'The part size is not acceptable',
      detail: `part_size ${message}.`,
      extensions: { errors: [{ path: '/body/part_size', message }] },
    }),
  invalidTags: (message: string) =>
    new Problem({
      status: 400,
      code: 'invalid_tags',
      title: 'The tags are not acceptable',
      detail: message,
      extensions: { errors: [{ path: '/body/tags', message }] },
    }),
  invalidCursor: (message: string) =>
    new Problem({ status: 400, code: 'invalid_cursor', title: 'The cursor is not valid', detail: `${message}; start again without a cursor.` }),
  fileNotFound: (id: string) =>
    new Problem({ status: 404, code: 'file_not_found', title: 'No such file', detail: `There is no file ${id}.` }),
  uploadNotFound: (id: string) =>
    new Problem({ status: 404, code: 'upload_not_found', title: 'No such upload', detail: `There is no upload ${id}.` }),
  uploadNotPending: (id: string, status: string) =>
    new Problem({
      status: 409,
      code: 'upload_not_pending',
      title: 'The upload can no longer be used',
      detail: `Upload ${id} is ${status}; presign again.`,
      extensions: { upload_status: status },
    }),
  uploadIncomplete: (detail: string) =>
    new Problem({ status: 409, code: 'upload_incomplete', title: 'The bytes have not all been uploaded', detail }),
  uploadNotMultipart: (id: string) =>
    new Problem({ status: 409, code: 'upload_not_multipart', title: 'The upload is not a multipart upload', detail: `Upload ${id} is a single PUT.` }),
  invalidIdempotencyKey: () =>
    new Problem({
      status: 400,
      code: 'invalid_idempotency_key',
      title: 'The Idempotency-Key is not valid',
      detail: 'An Idempotency-Key is 1 to 255 visible ASCII characters.',
    }),
  idempotencyKeyInUse: () =>
    new Problem({
      status: 409,
      code: 'idempotency_key_in_use',
      title: 'A request with this Idempotency-Key is still running',
      detail: 'Retry in a moment to get its answer.',
      headers: { 'Retry-After': '1' },
    }),
  idempotencyKeyReused: () =>
    new Problem({
      status: 422,
      code: 'idempotency_key_reused',
      title: 'The Idempotency-Key was used for a different request',
      detail: 'Use a new key for a new request.',
    }),
  uploadNotSingle: (id: string) =>
    new Problem({
      status: 409,
      code: 'upload_not_single',
      title: 'The upload is a multipart upload',
      detail: `Upload ${id} is multipart; re-sign its parts with POST /v1/uploads/${id}/parts.`,
    }),
  /** 422: the request is well formed; what it names does not match what the upload holds. */
  invalidParts: (detail: string) =>
    new Problem({ status: 422, code: 'invalid_parts', title: 'The parts do not match the upload', detail }),
  uploadMismatch: (detail: string) =>
    new Problem({
      status: 422,
      code: 'upload_mismatch',
      title: 'The stored object differs from what was declared',
      detail: `${detail} The object was removed; presign again.`,
    }),
  storageQuotaExceeded: (quotaBytes: number, usedBytes: number, requestedBytes: number) =>
    new Problem({
      status: 403,
      code: 'storage_quota_exceeded',
      title: 'The upload would exceed the storage quota',
      detail: `The quota is ${quotaBytes} bytes, ${usedBytes} are in use or being uploaded; this upload of ${requestedBytes} bytes is over by ${usedBytes + requestedBytes - quotaBytes}.`,
      extensions: { quota_bytes: quotaBytes, used_bytes: usedBytes, requested_bytes: requestedBytes, over_by_bytes: usedBytes + requestedBytes - quotaBytes },
    }),
  spendCapExceeded: (cap: string, estimated: string, overBy: string, currency: string) =>
    new Problem({
      status: 403,
      code: 'spend_cap_exceeded',
      title: 'The upload would exceed the monthly spend cap',
      detail: `The cap is ${cap} ${currency} a month; with this upload the estimate is ${estimated}, over by ${overBy}.`,
      extensions: { monthly_spend_cap: cap, estimated_monthly_cost: estimated, over_by: overBy, currency },
    }),
  spendCapAboveLimit: (ceiling: string, currency: string) =>
    new Problem({
      status: 400,
      code: 'spend_cap_above_limit',
      title: 'The spend cap may only be lowered',
      detail: `Your cap can be at most ${ceiling} ${currency}.`,
      extensions: { errors: [{ path: '/body/monthly_spend_cap', message: `must be at most ${ceiling}` }] },
    }),
  storageUnavailable: () =>
    new Problem({
      status: 503,
      code: 'storage_unavailable',
      title: 'Storage is unavailable',
      detail: 'The object store did not answer; nothing was changed. Try again shortly.',
      headers: { 'Retry-After': '5' },
      extensions: { retry_after: 5 },
    }),
  tooManyIds: (max: number) =>
    new Problem({ status: 400, code: 'too_many_ids', title: 'Too many ids', detail: `At most ${max} ids per request.` }),
  // --- folders ---
  pathTaken: (path: string, heldBy: 'file' | 'folder' | 'files', names?: readonly string[]) =>
    new Problem({
      status: 409,
      code: 'path_taken',
      title: 'The path is already taken',
      detail:
        heldBy === 'files'
          ? `The target folder already holds ${names?.length ?? 0} of these names: ${(names ?? []).slice(0, 20).join(', ')}.`
          : `A ${heldBy} already exists at "${path}".`,
      extensions: { path, held_by: heldBy === 'files' ? 'file' : heldBy, ...(names ? { names: names.slice(0, 100) } : {}) },
    }),
  invalidFolderName: (path: string, message: string) =>
    new Problem({
      status: 400,
      code: 'invalid_folder_name',
      title: 'The folder name is not acceptable',
      detail: `The folder path ${message}.`,
      extensions: { errors: [{ path, message }] },
    }),
  folderNotFound: (ref: string) =>
    new Problem({ status: 404, code: 'folder_not_found', title: 'No such folder', detail: `There is no folder ${ref}.` }),
  folderNotEmpty: (id: string) =>
    new Problem({
      status: 409,
      code: 'folder_not_empty',
      title: 'The folder is not empty',
      detail: `Folder ${id} holds files or folders; delete it with recursive=true to delete them too.`,
    }),
  folderCycle: () =>
    new Problem({ status: 409, code: 'folder_cycle', title: 'A folder cannot move into itself', detail: 'The target is this folder or a folder inside it.' }),
  // --- billing ---
  billingNotConfigured: () =>
    new Problem({
      status: 409,
      code: 'billing_not_configured',
      title: 'Billing is not configured',
      detail: 'This installation runs in ledger-only mode: usage is priced locally and nothing is charged. Set STRIPE_SECRET_KEY to enable Stripe.',
    }),
  alreadySubscribed: (status: string) =>
    new Problem({
      status: 409,
      code: 'already_subscribed',
      title: 'The account already has a subscription',
      detail: `The subscription is ${status}; manage it through POST /v1/billing/portal.`,
      extensions: { subscription_status: status },
    }),
  paymentPastDue: () =>
    new Problem({
      status: 402,
      code: 'payment_past_due',
      title: 'Payment is past due',
      detail: 'The last invoice could not be paid, so new uploads are refused until it is. Nothing stored has been deleted; update the payment method through POST /v1/billing/portal.',
    }),
  passwordSessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to change the password',
      detail: 'The password is changed with an access token from POST /v1/auth/login, not with an API key.',
    }),
  limitsSessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to raise or remove the spend cap',
      detail: 'An API key can lower the monthly spend cap; raising or removing it takes an access token from POST /v1/auth/login.',
    }),
  billingSessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to manage billing',
      detail: 'Subscriptions and payment details are managed with an access token from POST /v1/auth/login, not with an API key.',
    }),
  webhookSignatureMissing: () =>
    new Problem({ status: 400, code: 'webhook_signature_missing', title: 'The Stripe-Signature header is missing' }),
  webhookSignatureInvalid: () =>
    new Problem({ status: 400, code: 'webhook_signature_invalid', title: 'The webhook signature does not match the payload' }),
  webhookTimestampOutOfTolerance: (toleranceSeconds: number) =>
    new Problem({
      status: 400,
      code: 'webhook_timestamp_out_of_tolerance',
      title: 'The webhook is too old or from the future',
      detail: `Signatures are accepted for ${toleranceSeconds} seconds.`,
    }),
  webhookPayloadInvalid: (detail: string) =>
    new Problem({ status: 400, code: 'webhook_payload_invalid', title: 'The webhook payload is not a Stripe event', detail }),
  billingProviderUnavailable: () =>
    new Problem({
      status: 503,
      code: 'billing_provider_unavailable',
      title: 'Stripe could not be reached',
      detail: 'Try again in a moment.',
      headers: { 'Retry-After': '5' },
      extensions: { retry_after: 5 },
    }),
  /**
   * The database connection broke under the request (a restart, a failover, a terminated backend).
   * The statement in flight was rolled back with its connection, so trying again is safe.
   */
  databaseUnavailable: () =>
    new Problem({
      status: 503,
      code: 'database_unavailable',
      title: 'The database is unavailable',
      detail: 'The database connection was lost; the request was not completed. Try again shortly.',
      headers: { 'Retry-After': '1' },
      extensions: { retry_after: 1 },
    }),
  internal: () => new Problem({ status: 500, code: 'internal_error', title: 'Internal server error' }),
} as const;
