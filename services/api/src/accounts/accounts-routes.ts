import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { AuthService } from '#src/auth/auth-service.js';
import type { LoginRateLimit } from '#src/auth/login-rate-limit.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody } from '#src/platform/contract-validator.js';
import { Problem } from '#src/platform/problem.js';
import { accountErrors } from './account-errors.js';
import { requestAccountDeletion, type DeletionRequestDeps } from './deletion-request.js';

export interface AccountsRouterDeps extends DeletionRequestDeps {
  auth: AuthService;
  loginRateLimit: LoginRateLimit;
  resolveBearer: BearerResolver;
}

/** `POST /v1/me/delete`. The files go afterwards, in the deletion job. */
export function accountsRouter(deps: AccountsRouterDeps): Router {
  const router = express.Router();

  // As with a password change, a wrong password counts like a failed sign-in, so a stolen access
  // token cannot guess the password faster than the login form allows.
  router.post('/v1/me/delete', requirePrincipal(deps.resolveBearer), async (request, response) => {
    const principal = principalOf(request);
    // A leaked API key must not be able to destroy the account.
    if (principal.via !== 'access_token') throw accountErrors.deletionSessionRequired();
    const body = validatedBody('deleteAccount', request);
    const ip = request.ip ?? 'unknown';
    await deps.loginRateLimit.beforeAttempt(ip, principal.account.email);
    let deletionRequestedAt: Date;
    try {
      deletionRequestedAt = await requestAccountDeletion(deps, { accountId: principal.account.id, password: body.password });
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_credentials') await deps.loginRateLimit.afterFailure(ip, principal.account.email);
      throw error;
    }
    // This instance stops at once; another one within the second its sign-in cache keeps.
    deps.auth.forgetAccount(principal.account.id);
    response.status(202).json({ status: 'deleting', deletion_requested_at: deletionRequestedAt.toISOString() } satisfies ResponseBody<'deleteAccount'>);
  });

  return router;
}
