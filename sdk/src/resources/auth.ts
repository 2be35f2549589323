import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  Account,
  AccountDeletion,
  AccountDeletionParams,
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyWithSecret,
  Credentials,
  DevMail,
  DevMailboxParams,
  Limits,
  LimitsUpdateParams,
  PasswordChangeParams,
  PasswordResetConfirmParams,
  ProfileUpdateParams,
  TokenPair,
} from '../types.js';

/** `auth` tag: accounts and sign-in. */
export class AuthResource {
  constructor(private readonly http: HttpClient) {}

  /** Creates an account (201); `ConflictError` when the email is taken, `ValidationError` for a weak password. */
  register(credentials: Credentials, options?: RequestOptions): APIPromise<Account> {
    return this.http.request({ method: 'POST', path: '/v1/auth/register', body: credentials, anonymous: true, options });
  }

  /** Signs in: a short-lived access token and a single-use refresh token. */
  login(credentials: Credentials, options?: RequestOptions): APIPromise<TokenPair> {
    return this.http.request({ method: 'POST', path: '/v1/auth/login', body: credentials, anonymous: true, options });
  }

  /** Never retried: refresh tokens are single use, and presenting one twice revokes the sign-in. */
  refresh(refreshToken: string, options?: RequestOptions): APIPromise<TokenPair> {
    return this.http.request({
      method: 'POST',
      path: '/v1/auth/refresh',
      body: { refresh_token: refreshToken },
      anonymous: true,
      options: { ...options, maxRetries: 0 },
    });
  }

  /** Ends the sign-in the refresh token belongs to, at once. */
  logout(refreshToken: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'POST', path: '/v1/auth/logout', body: { refresh_token: refreshToken }, anonymous: true, options });
  }

  /** The account the credentials belong to. */
  me(options?: RequestOptions): APIPromise<Account> {
    return this.http.request({ method: 'GET', path: '/v1/me', options });
  }

  /**
   * Needs an access token (an API key gets `PermissionError`, code `session_required`). A wrong
   * `current_password` is an `AuthenticationError` (`invalid_credentials`) and counts toward the
   * sign-in rate limit. Every other sign-in of the account is revoked; this client's stays valid.
   */
  changePassword(params: PasswordChangeParams, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'POST', path: '/v1/me/password', body: params, options });
  }

  /**
   * Deletes the account, after the password is given again. Needs an access token (an API key gets
   * `PermissionError`, code `session_required`); a wrong password is an `AuthenticationError`
   * (`invalid_credentials`) and counts toward the sign-in rate limit. At once every sign-in, API
   * key and share link of the account ends (this client's credentials included) and the email can
   * register again; the files are deleted in the background, billed up to `deletion_requested_at`.
   */
  deleteAccount(params: AccountDeletionParams, options?: RequestOptions): APIPromise<AccountDeletion> {
    return this.http.request({ method: 'POST', path: '/v1/me/delete', body: params, options });
  }

  /**
   * Changes the display name (`null` clears it) and/or starts an email change. A new `email` needs
   * `current_password` and takes effect only when the link mailed to it is used ({@link verifyEmail});
   * until then it is the account's `pending_email`. Needs an access token (an API key gets
   * `PermissionError`, code `session_required`); an address another account has is a
   * `ConflictError` (`email_taken`).
   */
  updateMe(params: ProfileUpdateParams, options?: RequestOptions): APIPromise<Account> {
    return this.http.request({ method: 'PATCH', path: '/v1/me', body: params, options });
  }

  /**
   * Mails a password reset link (valid for one hour, once) if an account has this address. Resolves
   * the same way whether or not one does; `RateLimitError` past the per-address or per-client limit.
   */
  requestPasswordReset(email: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'POST', path: '/v1/auth/password-reset', body: { email }, anonymous: true, options });
  }

  /**
   * Sets a new password with the `token` of a reset link, ends every sign-in of the account and
   * signs in. Never retried (the token works once). An unknown token is `NotFoundError`; a used or
   * expired one is `GoneError` (`reset_token_used`, `reset_token_expired`).
   */
  confirmPasswordReset(params: PasswordResetConfirmParams, options?: RequestOptions): APIPromise<TokenPair> {
    return this.http.request({ method: 'POST', path: '/v1/auth/password-reset/confirm', body: params, anonymous: true, options: { ...options, maxRetries: 0 } });
  }

  /**
   * Confirms an address with the `token` of a verification link (or, for the link mailed to a new
   * address, makes it the account's). Needs no sign-in. Never retried (the token works once).
   */
  verifyEmail(token: string, options?: RequestOptions): APIPromise<Account> {
    return this.http.request({ method: 'POST', path: '/v1/auth/verify-email', body: { token }, anonymous: true, options: { ...options, maxRetries: 0 } });
  }

  /** Mails the verification link again, unless the address is already confirmed. */
  resendEmailVerification(options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'POST', path: '/v1/me/email-verification', options });
  }
}

/**
 * `dev` tag: aids that exist only on an API in development mode without SMTP (`npm start`);
 * elsewhere its methods fail with `NotFoundError` (`route_not_found`).
 */
export class DevResource {
  constructor(private readonly http: HttpClient) {}

  /** The latest 50 mails the API kept instead of sending, newest first; `to` keeps only those to one address. */
  async mailbox(params: DevMailboxParams = {}, options?: RequestOptions): Promise<DevMail[]> {
    const page = await this.http.request<{ items: DevMail[] }>({ method: 'GET', path: '/v1/dev/mailbox', query: params, anonymous: true, options });
    return page.items;
  }
}

/** `api-keys` tag. The API lets only a signed-in person (an access token) manage keys. */
export class ApiKeysResource {
  constructor(private readonly http: HttpClient) {}

  /** The returned `secret` is shown once; store it now. */
  create(params: ApiKeyCreateParams, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
    return this.http.request({ method: 'POST', path: '/v1/api-keys', body: params, options });
  }

  /** Every key of the account, without secrets. */
  async list(options?: RequestOptions): Promise<ApiKey[]> {
    const page = await this.http.request<{ data: ApiKey[] }>({ method: 'GET', path: '/v1/api-keys', options });
    return page.data;
  }

  /** Revokes a key at once; requests made with it fail with `AuthenticationError` from then on. */
  revoke(id: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/api-keys/${encodeId(id)}`, options });
  }
}

/** Storage quota and the account's monthly spend cap (`/v1/me/limits`). */
export class LimitsResource {
  constructor(private readonly http: HttpClient) {}

  /** The storage quota and the spend cap in force, with what is used of each. */
  get(options?: RequestOptions): APIPromise<Limits> {
    return this.http.request({ method: 'GET', path: '/v1/me/limits', options });
  }

  /** Sets or removes the monthly spend cap (an API key may only lower it). */
  update(params: LimitsUpdateParams, options?: RequestOptions): APIPromise<Limits> {
    return this.http.request({ method: 'PATCH', path: '/v1/me/limits', body: params, idempotent: true, options });
  }
}
