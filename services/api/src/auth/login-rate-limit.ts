import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '#src/platform/config.js';
import type { Database } from '@baketsu/platform/database';
import { errors } from '#src/platform/errors.js';
import type { Logger } from '#src/platform/logger.js';
import { normalizeEmail } from './credentials.js';

export interface LoginRateLimit {
  /**
   * Counts an attempt from this address; throws a 429 problem past the address's limit or past the
   * limit of failures on this account from this address. On an account under attack from many
   * addresses the attempt is slowed (it waits its turn), never refused.
   */
  beforeAttempt(ip: string, email: string): Promise<void>;
  /** Counts a failed attempt against the account, from this address and in all. */
  afterFailure(ip: string, email: string): Promise<void>;
  afterSuccess(ip: string, email: string): Promise<void>;
  close(): Promise<void>;
}

export interface LoginLimits {
  perIp: number;
  /** Failures on one account from one address before that address is refused (429). */
  perAccount: number;
  windowSeconds: number;
  /** Once an account has this many failures from all addresses, every attempt on it waits `slowDownMs`, one at a time. */
  slowDownAfter: number;
  slowDownMs: number;
}

/** Where the owner's notice goes: the account is being guessed at and its sign-ins are slowed. */
export type LoginSlowDownNotice = (accountKey: string, failures: number) => void;

/** The notice as one warning per slowed account, for the operator to pass on to the owner (the address, never a password). */
export function logLoginSlowDown(logger: Logger): LoginSlowDownNotice {
  return (account, failures) =>
    logger.warn({ event: 'login_slowed', account, failures }, 'sign-ins to this account are slowed after failed attempts from many addresses; tell its owner');
}

export function loginLimits(
  config: Pick<Config, 'LOGIN_LIMIT_PER_IP' | 'LOGIN_LIMIT_PER_ACCOUNT' | 'LOGIN_LIMIT_WINDOW_SECONDS' | 'LOGIN_SLOW_DOWN_AFTER' | 'LOGIN_SLOW_DOWN_MS'>,
): LoginLimits {
  return {
    perIp: config.LOGIN_LIMIT_PER_IP,
    perAccount: config.LOGIN_LIMIT_PER_ACCOUNT,
    windowSeconds: config.LOGIN_LIMIT_WINDOW_SECONDS,
    slowDownAfter: config.LOGIN_SLOW_DOWN_AFTER,
    slowDownMs: config.LOGIN_SLOW_DOWN_MS,
  };
}

const RATE_LIMIT_TABLE = 'login_rate_limits';

/**
 * With PostgreSQL, the counters live in the database, so every API instance behind a balancer
 * counts the same attempts and N instances do not allow N times the limit. If the database does
 * not answer, per-instance counters decide meanwhile (rate-limiter-flexible's insurance limiter)
 * rather than failing sign-ins. Embedded mode has one instance and one PGlite connection: in-process.
 */
export function loginRateLimitFor(database: Pick<Database, 'kind' | 'connectionUrl'>, limits: LoginLimits, notice: LoginSlowDownNotice): LoginRateLimit {
  if (database.kind !== 'postgres') return memoryLoginRateLimit(limits, notice);
  const pool = new pg.Pool({ connectionString: database.connectionUrl, max: 2 });
  // An idle client that errors (the server restarted) is replaced on the next query; it must not crash the process.
  pool.on('error', () => {});
  const inPostgres = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration: limits.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: limits.windowSeconds }),
    });
  return loginRateLimit({
    byIp: inPostgres('login-ip', limits.perIp),
    failuresByAccountAndIp: inPostgres('login-account-ip', limits.perAccount),
    failuresByAccount: inPostgres('login-account', limits.slowDownAfter),
    limits,
    notice,
    close: () => pool.end(),
  });
}

/** In-process counters: exact for a single API instance. */
export function memoryLoginRateLimit(limits: LoginLimits, notice: LoginSlowDownNotice): LoginRateLimit {
  const inMemory = (keyPrefix: string, points: number) => new RateLimiterMemory({ keyPrefix, points, duration: limits.windowSeconds });
  return loginRateLimit({
    byIp: inMemory('login-ip', limits.perIp),
    failuresByAccountAndIp: inMemory('login-account-ip', limits.perAccount),
    failuresByAccount: inMemory('login-account', limits.slowDownAfter),
    limits,
    notice,
    close: async () => {},
  });
}

/**
 * The account's key in the counters: the same spelling login looks the account up by
 * (`normalizeEmail`, NFC included), so another Unicode spelling of one address cannot open a fresh
 * set of attempts. Input that is no email at all is counted under its own plain folding.
 */
function accountKey(email: string): string {
  try {
    return normalizeEmail(email);
  } catch {
    return email.normalize('NFC').trim().toLowerCase();
  }
}

/**
 * Every attempt counts against the address; failures count against the account per address (that
 * address is refused past the limit) and in all. An account lock that anyone could trigger would
 * hand attackers a way to lock the owner out, so failures from many addresses only slow the
 * account down: attempts on it then wait `slowDownMs` each, one at a time in this instance, which
 * bounds guessing at instances × window / slowDownMs while the owner still gets in.
 */
function loginRateLimit(parts: {
  byIp: RateLimiterAbstract;
  failuresByAccountAndIp: RateLimiterAbstract;
  failuresByAccount: RateLimiterAbstract;
  limits: LoginLimits;
  notice: LoginSlowDownNotice;
  close: () => Promise<void>;
}): LoginRateLimit {
  const { byIp, failuresByAccountAndIp, failuresByAccount, limits, notice, close } = parts;
  const refuse = (result: unknown): never => {
    if (result instanceof RateLimiterRes) throw errors.tooManyRequests(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  };
  const clientKey = (ip: string, email: string) => `${accountKey(email)}|${ip}`;
  // The tail of each slowed account's queue of attempts.
  const slowQueues = new Map<string, Promise<void>>();
  const waitYourTurn = (key: string): Promise<void> => {
    const turn = (slowQueues.get(key) ?? Promise.resolve()).then(() => new Promise<void>((resolve) => setTimeout(resolve, limits.slowDownMs)));
    slowQueues.set(key, turn);
    void turn.then(() => {
      if (slowQueues.get(key) === turn) slowQueues.delete(key);
    });
    return turn;
  };

  return {
    async beforeAttempt(ip, email) {
      await byIp.consume(ip).catch(refuse);
      const fromThisClient = await failuresByAccountAndIp.get(clientKey(ip, email));
      if (fromThisClient && fromThisClient.remainingPoints <= 0) refuse(fromThisClient);
      const inAll = await failuresByAccount.get(accountKey(email));
      if (inAll && inAll.remainingPoints <= 0) await waitYourTurn(accountKey(email));
    },
    async afterFailure(ip, email) {
      await failuresByAccountAndIp.penalty(clientKey(ip, email), 1);
      const inAll = await failuresByAccount.penalty(accountKey(email), 1);
      // Once, as the account crosses into the slow path: the owner (through the operator) hears of it.
      if (inAll.consumedPoints === limits.slowDownAfter) notice(accountKey(email), inAll.consumedPoints);
    },
    async afterSuccess(ip, email) {
      await Promise.all([failuresByAccountAndIp.delete(clientKey(ip, email)), failuresByAccount.delete(accountKey(email))]);
    },
    close,
  };
}
