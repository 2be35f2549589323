import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { errors } from '#src/platform/errors.js';

export interface LoginRateLimit {
  /** Counts an attempt from this address; throws a 429 problem past the limit. */
  beforeAttempt(ip: string, email: string): Promise<void>;
  /** Counts a failed attempt against the account. */
  afterFailure(email: string): Promise<void>;
  afterSuccess(email: string): Promise<void>;
}

// In-process counters: exact for a single API instance. Several instances behind a balancer each
// enforce the limit on their own share; a shared store (rate-limiter-flexible has a Postgres one)
// is the upgrade path.
export function memoryLoginRateLimit(options: { perIp: number; perAccount: number; windowSeconds: number }): LoginRateLimit {
  const byIp = new RateLimiterMemory({ keyPrefix: 'login-ip', points: options.perIp, duration: options.windowSeconds });
  const failuresByAccount = new RateLimiterMemory({
    keyPrefix: 'login-account',
    points: options.perAccount,
    duration: options.windowSeconds,
  });

  const refuse = (result: unknown): never => {
    if (result instanceof RateLimiterRes) throw errors.tooManyRequests(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  };

  return {
    async beforeAttempt(ip, email) {
      await byIp.consume(ip).catch(refuse);
      const account = await failuresByAccount.get(email.trim().toLowerCase());
      if (account && account.remainingPoints <= 0) refuse(account);
    },
    async afterFailure(email) {
      await failuresByAccount.penalty(email.trim().toLowerCase(), 1);
    },
    async afterSuccess(email) {
      await failuresByAccount.delete(email.trim().toLowerCase());
    },
  };
}
