import type { APIPromise } from '../api-promise.js';
import type { HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  BillingOverview,
  CheckoutSession,
  PortalSession,
  Usage,
  UsageAlertListParams,
  UsageAlertPage,
  UsageAlertThresholds,
  UsageAlertThresholdsParams,
  UsageFilePage,
  UsageFilesParams,
  UsageTrend,
  UsageTrendParams,
} from '../types.js';
import { rejectUnknownKeys } from '../options.js';
import { Listing } from './listing.js';
import { watchUsage, type UsageUpdate, type UsageWatchOptions, WATCH_OPTION_KEYS } from './usage-watch.js';

/** `usage` tag: the usage read model (`/v1/dashboard/*`). Byte-time is exact byte-milliseconds as a string. */
export class UsageResource {
  constructor(private readonly http: HttpClient) {}

  /** Stored bytes, file count, breakdown by type, month-to-date byte-time and the month's estimated cost. */
  get(options?: RequestOptions): APIPromise<Usage> {
    return this.http.request({ method: 'GET', path: '/v1/dashboard/usage', options });
  }

  /**
   * Live usage: an async iterator of updates, the current numbers first and then one whenever a
   * stored or deleted file changes them (within about a second). It reconnects by itself (with
   * backoff, resuming with Last-Event-ID) and ends, without an error, when `signal` aborts or the
   * loop breaks; a refusal that retrying cannot fix (401, 403) ends it with that error.
   *
   * ```ts
   * const controller = new AbortController();
   * for await (const { usage } of baketsu.usage.watch({ signal: controller.signal })) {
   *   console.log(usage.stored_bytes, usage.estimated_monthly_cost.amount);
   * }
   * ```
   */
  watch(options: UsageWatchOptions = {}): AsyncGenerator<UsageUpdate, void, undefined> {
    // Checked now, not at the first `next()`, so a typo fails where it is made.
    rejectUnknownKeys(options, WATCH_OPTION_KEYS, 'watch option');
    return watchUsage(this.http, options);
  }

  /** One entry per UTC day, oldest first (default 30 days). */
  trend(params: UsageTrendParams = {}, options?: RequestOptions): APIPromise<UsageTrend> {
    return this.http.request({ method: 'GET', path: '/v1/dashboard/trend', query: { ...params }, options });
  }

  /** The files behind a month's byte-time, largest first; a listing like `files.list`. */
  files(params: UsageFilesParams = {}, options?: RequestOptions): Listing<UsageFilePage> {
    const { cursor: start, ...filters } = params;
    return new Listing<UsageFilePage>((cursor) =>
      this.http.request({ method: 'GET', path: '/v1/dashboard/usage/files', query: { ...filters, cursor: cursor ?? start }, options }),
    );
  }

  /** The account's alert thresholds and the spend cap their percentages refer to. */
  alertThresholds(options?: RequestOptions): APIPromise<UsageAlertThresholds> {
    return this.http.request({ method: 'GET', path: '/v1/usage/alert-thresholds', options });
  }

  /**
   * Replaces the alert thresholds (an empty list turns alerts off). A percentage needs a spend cap
   * (`ConflictError`, code `spend_cap_required`); a zero amount or two thresholds of one value are
   * refused with code `invalid_alert_threshold`. Each threshold alerts at most once a month, when
   * the month's projected cost reaches it.
   */
  setAlertThresholds(params: UsageAlertThresholdsParams, options?: RequestOptions): APIPromise<UsageAlertThresholds> {
    return this.http.request({ method: 'PUT', path: '/v1/usage/alert-thresholds', body: params, options });
  }

  /** The alerts sent, newest first; a listing like `files.list`. */
  alerts(params: UsageAlertListParams = {}, options?: RequestOptions): Listing<UsageAlertPage> {
    const { cursor: start, ...filters } = params;
    return new Listing<UsageAlertPage>((cursor) =>
      this.http.request({ method: 'GET', path: '/v1/usage/alerts', query: { ...filters, cursor: cursor ?? start }, options }),
    );
  }
}

/** `billing` tag. Checkout and the portal need a signed-in session (an access token), not an API key. */
export class BillingResource {
  constructor(private readonly http: HttpClient) {}

  /** The subscription's state, the month's cost so far and recent invoices. */
  get(options?: RequestOptions): APIPromise<BillingOverview> {
    return this.http.request({ method: 'GET', path: '/v1/billing', options });
  }

  /** A Stripe Checkout URL for the metered subscription. */
  checkout(options?: RequestOptions): APIPromise<CheckoutSession> {
    return this.http.request({ method: 'POST', path: '/v1/billing/checkout', options });
  }

  /** A Stripe customer-portal URL. */
  portal(options?: RequestOptions): APIPromise<PortalSession> {
    return this.http.request({ method: 'POST', path: '/v1/billing/portal', options });
  }
}
