import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors } from '#src/platform/errors.js';
import type { Account } from './auth-service.js';

export type Scope = 'read' | 'write' | 'delete';

export interface Principal {
  account: Account;
  /** Access tokens carry every scope; API keys carry the ones they were created with. */
  scopes: ReadonlySet<Scope>;
  via: 'access_token' | 'api_key';
  /** The sign-in (auth_sessions row) an access token belongs to; absent for API keys. */
  sessionId?: string;
}

export type BearerResolver = (token: string) => Promise<Principal>;

const principals = new WeakMap<Request, Principal>();

export function requirePrincipal(resolve: BearerResolver, scope?: Scope): RequestHandler {
  return async (request: Request, _response: Response, next: NextFunction) => {
    const header = request.get('authorization');
    if (!header) throw errors.unauthenticated();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw errors.unauthenticated('The Authorization header must be "Bearer <token>".');
    const principal = await resolve(match[1]);
    if (scope && !principal.scopes.has(scope)) throw errors.insufficientScope(scope);
    principals.set(request, principal);
    next();
  };
}

/** The authenticated caller; only valid behind `requirePrincipal`. */
export function principalOf(request: Request): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('principalOf() used on a route without requirePrincipal()');
  return principal;
}
