import express, { type Router } from 'express';
import { Problem } from '#src/platform/problem.js';
import type { AuthService } from './auth-service.js';
import { principalOf, requirePrincipal, type BearerResolver } from './authenticate.js';
import type { LoginRateLimit } from './login-rate-limit.js';

interface CredentialsBody {
  email: string;
  password: string;
}

interface RefreshBody {
  refresh_token: string;
}

export function authRouter(deps: { auth: AuthService; loginRateLimit: LoginRateLimit; resolveBearer: BearerResolver }): Router {
  const { auth, loginRateLimit } = deps;
  const router = express.Router();

  router.post('/v1/auth/register', async (request, response) => {
    const body = request.body as CredentialsBody;
    const account = await auth.register(body);
    response.status(201).location(`/v1/me`).json(account);
  });

  router.post('/v1/auth/login', async (request, response) => {
    const body = request.body as CredentialsBody;
    await loginRateLimit.beforeAttempt(request.ip ?? 'unknown', body.email);
    try {
      const tokens = await auth.login(body);
      await loginRateLimit.afterSuccess(body.email);
      response.set('Cache-Control', 'no-store').json(tokens);
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_credentials') await loginRateLimit.afterFailure(body.email);
      throw error;
    }
  });

  router.post('/v1/auth/refresh', async (request, response) => {
    const tokens = await auth.refresh((request.body as RefreshBody).refresh_token);
    response.set('Cache-Control', 'no-store').json(tokens);
  });

  router.post('/v1/auth/logout', async (request, response) => {
    await auth.logout((request.body as RefreshBody).refresh_token);
    response.status(204).end();
  });

  router.get('/v1/me', requirePrincipal(deps.resolveBearer), (request, response) => {
    response.json(principalOf(request).account);
  });

  return router;
}
