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
  methodNotAllowed: (method: string, path: string) =>
    new Problem({ status: 405, code: 'method_not_allowed', title: 'Method not allowed', detail: `${method} is not allowed on ${path}.` }),
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
  weakPassword: (detail: string) =>
    new Problem({
      status: 400,
      code: 'weak_password',
      title: 'The password is not acceptable',
      detail,
      extensions: { errors: [{ path: '/body/password', message: detail }] },
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
  internal: () => new Problem({ status: 500, code: 'internal_error', title: 'Internal server error' }),
} as const;
