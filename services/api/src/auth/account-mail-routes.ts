// Routes of the flows that go through mail: password reset, address verification, and the profile
// (whose email change is verified by mail).
import express, { type Router } from 'express';
import { validatedBody } from '#src/platform/contract-validator.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import type { FieldCheck } from '#src/platform/field-problems.js';
import { Problem } from '#src/platform/problem.js';
import { accountMailErrors } from './account-mail-errors.js';
import { principalOf, requirePrincipal, type BearerResolver } from './authenticate.js';
import { toAccount, type AuthService } from './auth-service.js';
import { assertAcceptablePassword, normalizeEmail } from './credentials.js';
import type { EmailVerification } from './email-verification.js';
import type { LoginRateLimit } from './login-rate-limit.js';
import type { MailLinkRateLimit } from './mail-link-rate-limit.js';
import type { PasswordResets } from './password-reset.js';
import type { Profiles } from './profile.js';

export function accountMailRouter(deps: {
  auth: AuthService;
  resets: PasswordResets;
  verification: EmailVerification;
  profiles: Profiles;
  loginRateLimit: LoginRateLimit;
  mailLinkRateLimit: MailLinkRateLimit;
  resolveBearer: BearerResolver;
}): Router {
  const router = express.Router();
  const ipOf = (request: express.Request) => request.ip ?? 'unknown';

  router.post('/v1/auth/password-reset', async (request, response) => {
    const { email } = validatedBody('requestPasswordReset', request);
    await deps.mailLinkRateLimit.consume(ipOf(request), email);
    await deps.resets.request(email);
    response.status(202).end();
  });

  router.post('/v1/auth/password-reset/confirm', async (request, response) => {
    const body = validatedBody('confirmPasswordReset', request);
    const tokens = await deps.resets.confirm(body.token, body.new_password);
    response.set('Cache-Control', 'no-store').json(tokens satisfies ResponseBody<'confirmPasswordReset'>);
  });

  router.post('/v1/auth/verify-email', async (request, response) => {
    const account = await deps.verification.verify(validatedBody('verifyEmail', request).token);
    deps.auth.forgetAccount(account.id);
    response.json(toAccount(account) satisfies ResponseBody<'verifyEmail'>);
  });

  router.post('/v1/me/email-verification', requirePrincipal(deps.resolveBearer), async (request, response) => {
    const { account } = principalOf(request);
    await deps.mailLinkRateLimit.consume(ipOf(request), account.id);
    await deps.verification.resend(account.id);
    response.status(202).end();
  });

  // A wrong current password (an email change) counts against the account like a failed sign-in.
  router.patch('/v1/me', requirePrincipal(deps.resolveBearer), async (request, response) => {
    const principal = principalOf(request);
    // A leaked API key must not be able to move the account to another address (and then reset its password).
    if (principal.via !== 'access_token') throw accountMailErrors.profileSessionRequired();
    const body = validatedBody('updateMe', request);
    const email = principal.account.email;
    if (body.email !== undefined) await deps.loginRateLimit.beforeAttempt(ipOf(request), email);
    // A new address is mailed a link: the same limits as every request that mails one, so a signed-in
    // account cannot flood somebody else's mailbox with change links.
    if (body.email !== undefined) await deps.mailLinkRateLimit.consume(ipOf(request), body.email);
    try {
      const account = await deps.profiles.update(principal.account.id, body);
      if (body.email !== undefined) await deps.loginRateLimit.afterSuccess(ipOf(request), email);
      response.json(toAccount(account) satisfies ResponseBody<'updateMe'>);
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_credentials') await deps.loginRateLimit.afterFailure(ipOf(request), email);
      throw error;
    }
  });

  return router;
}

/** A new password or address that the schema refuses is still `weak_password` or `invalid_email`. */
export const accountMailFieldChecks: FieldCheck[] = [
  {
    method: 'POST',
    path: /^\/v1\/auth\/password-reset\/confirm$/,
    field: '/body/new_password',
    check(value) {
      if (typeof value === 'string') assertAcceptablePassword(value, '/body/new_password');
    },
  },
  {
    method: 'PATCH',
    path: /^\/v1\/me$/,
    field: '/body/email',
    check(value) {
      if (typeof value === 'string') normalizeEmail(value);
    },
  },
];
