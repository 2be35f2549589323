import express, { type Router } from 'express';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody } from '#src/platform/contract-validator.js';
import { errors } from '#src/platform/errors.js';
import { Problem } from '#src/platform/problem.js';
import type { AuthService } from './auth-service.js';
import type { FieldCheck } from '#src/platform/field-problems.js';
import { principalOf, requirePrincipal, type BearerResolver } from './authenticate.js';
import { validApiKeyName } from './api-keys.js';
import { assertAcceptablePassword, normalizeEmail } from './credentials.js';
import type { LoginRateLimit } from './login-rate-limit.js';

export function authRouter(deps: { auth: AuthService; loginRateLimit: LoginRateLimit; resolveBearer: BearerResolver }): Router {
  const { auth, loginRateLimit } = deps;
  const router = express.Router();

  router.post('/v1/auth/register', async (request, response) => {
    const account = await auth.register(validatedBody('register', request));
    response.status(201).location(`/v1/me`).json(account);
  });

  router.post('/v1/auth/login', async (request, response) => {
    const body = validatedBody('login', request);
    await loginRateLimit.beforeAttempt(request.ip ?? 'unknown', body.email);
    try {
      const tokens = await auth.login(body);
      await loginRateLimit.afterSuccess(request.ip ?? 'unknown', body.email);
      response.set('Cache-Control', 'no-store').json(tokens);
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_credentials') await loginRateLimit.afterFailure(request.ip ?? 'unknown', body.email);
      throw error;
    }
  });

  router.post('/v1/auth/refresh', async (request, response) => {
    const tokens = await auth.refresh(validatedBody('refreshTokens', request).refresh_token);
    response.set('Cache-Control', 'no-store').json(tokens);
  });

  router.post('/v1/auth/logout', async (request, response) => {
    await auth.logout(validatedBody('logout', request).refresh_token);
    response.status(204).end();
  });

  router.get('/v1/me', requirePrincipal(deps.resolveBearer), (request, response) => {
    response.json(principalOf(request).account satisfies ResponseBody<'getMe'>);
  });

  // A wrong current password counts against the account exactly like a failed sign-in, so a stolen
  // access token cannot be used to guess the password faster than the login form allows.
  router.post('/v1/me/password', requirePrincipal(deps.resolveBearer), async (request, response) => {
    const principal = principalOf(request);
    // A leaked API key must not be able to take over the account by replacing its password.
    if (principal.via !== 'access_token' || !principal.sessionId) throw errors.passwordSessionRequired();
    const body = validatedBody('changePassword', request);
    const email = principal.account.email;
    await loginRateLimit.beforeAttempt(request.ip ?? 'unknown', email);
    try {
      await auth.changePassword({
        accountId: principal.account.id,
        sessionId: principal.sessionId,
        currentPassword: body.current_password,
        newPassword: body.new_password,
      });
      await loginRateLimit.afterSuccess(request.ip ?? 'unknown', email);
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_credentials') await loginRateLimit.afterFailure(request.ip ?? 'unknown', email);
      throw error;
    }
    response.status(204).end();
  });

  return router;
}

/**
 * A new account's email or password that the schema refuses is still `invalid_email` or
 * `weak_password`, and an API key name says which rule it broke, in the rules' own words.
 */
export const authFieldChecks: FieldCheck[] = [
  {
    method: 'POST',
    path: /^\/v1\/auth\/register$/,
    field: '/body/email',
    check(value) {
      if (typeof value === 'string') normalizeEmail(value);
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/auth\/register$/,
    field: '/body/password',
    check(value) {
      if (typeof value === 'string') assertAcceptablePassword(value);
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/me\/password$/,
    field: '/body/new_password',
    check(value) {
      if (typeof value === 'string') assertAcceptablePassword(value, '/body/new_password');
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/api-keys$/,
    field: '/body/name',
    check(value) {
      if (typeof value === 'string') validApiKeyName(value);
    },
  },
];
