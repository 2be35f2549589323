// Requests that mail a link (a password reset, the verification link again), limited per address and
// per client address, so nobody can flood a mailbox or walk a list of addresses. Each request takes
// its points before anything is looked up, the same whether or not the address has an account, so the
// limit itself reveals nothing. The counters share the sign-in table (`login_rate_limits`, under their
// own key prefixes): every API instance counts the same requests; embedded mode counts in process.
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '@baketsu/platform/database';
import type { Config } from '#src/platform/config.js';
import { errors } from '#src/platform/errors.js';

export interface MailLinkRateLimit {
  /** Counts one request from `ip` for `address` (an email, or an account id); throws a 429 problem past either limit. */
  consume(ip: string, address: string): Promise<void>;
  close(): Promise<void>;
}

interface MailLinkLimits {
  perAddress: number;
  perIp: number;
  windowSeconds: number;
}

export function mailLinkLimits(config: Pick<Config, 'MAIL_LINK_LIMIT_PER_ADDRESS' | 'MAIL_LINK_LIMIT_PER_IP' | 'MAIL_LINK_LIMIT_WINDOW_SECONDS'>): MailLinkLimits {
  return { perAddress: config.MAIL_LINK_LIMIT_PER_ADDRESS, perIp: config.MAIL_LINK_LIMIT_PER_IP, windowSeconds: config.MAIL_LINK_LIMIT_WINDOW_SECONDS };
}

export function mailLinkRateLimitFor(database: Pick<Database, 'kind' | 'connectionUrl'>, limits: MailLinkLimits): MailLinkRateLimit {
  if (database.kind !== 'postgres') return memoryMailLinkRateLimit(limits);
  const pool = new pg.Pool({ connectionString: database.connectionUrl, max: 2 });
  // An idle client that errors (the server restarted) is replaced on the next query; it must not crash the process.
  pool.on('error', () => {});
  const inPostgres = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'login_rate_limits',
      tableCreated: true,
      keyPrefix,
      points,
      duration: limits.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: limits.windowSeconds }),
    });
  return mailLinkRateLimit(inPostgres('mail-link-ip', limits.perIp), inPostgres('mail-link-address', limits.perAddress), () => pool.end());
}

export function memoryMailLinkRateLimit(limits: MailLinkLimits): MailLinkRateLimit {
  return mailLinkRateLimit(
    new RateLimiterMemory({ keyPrefix: 'mail-link-ip', points: limits.perIp, duration: limits.windowSeconds }),
    new RateLimiterMemory({ keyPrefix: 'mail-link-address', points: limits.perAddress, duration: limits.windowSeconds }),
    async () => {},
  );
}

function mailLinkRateLimit(byIp: RateLimiterAbstract, byAddress: RateLimiterAbstract, close: () => Promise<void>): MailLinkRateLimit {
  const refuse = (result: unknown): never => {
    if (result instanceof RateLimiterRes) throw errors.tooManyRequests(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  };
  return {
    async consume(ip, address) {
      await byIp.consume(ip).catch(refuse);
      await byAddress.consume(address.normalize('NFC').trim().toLowerCase()).catch(refuse);
    },
    close,
  };
}
