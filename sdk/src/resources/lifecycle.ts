import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  LifecycleDeletion,
  LifecycleDeletionPage,
  LifecycleDeletionsParams,
  LifecycleDryRun,
  LifecycleRule,
  LifecycleRuleCreateParams,
  LifecycleRulePage,
  LifecycleRuleUpdateParams,
  LifecycleRun,
  LifecycleRunPage,
  LifecycleListParams,
} from '../types.js';
import { Listing } from './listing.js';

export type LifecycleRuleListing = Listing<LifecycleRulePage, LifecycleRule>;
export type LifecycleRunListing = Listing<LifecycleRunPage, LifecycleRun>;
export type LifecycleDeletionListing = Listing<LifecycleDeletionPage, LifecycleDeletion>;

/**
 * `lifecycle` tag: rules that delete files older than N days or not downloaded for N days
 * (optionally under a folder or with a tag) and abort unfinished uploads after N hours; a dry run
 * before saving; each rule's runs, the files it deleted and what it saved this month.
 */
export class LifecycleResource {
  constructor(private readonly http: HttpClient) {}

  /** The account's rules, oldest first, each with its last run and this month's savings; iterate with `for await`. */
  list(params: LifecycleListParams = {}, options?: RequestOptions): LifecycleRuleListing {
    const { cursor: start, ...rest } = params;
    return new Listing<LifecycleRulePage, LifecycleRule>((cursor) =>
      this.http.request<LifecycleRulePage>({ method: 'GET', path: '/v1/lifecycle-rules', query: { ...rest, cursor: cursor ?? start }, options }),
    );
  }

  /**
   * Saves a rule; enabled ones run at the next evaluation. A field the action does not take (or a
   * missing one it needs) is a `ValidationError` with code `invalid_lifecycle_rule`; a second
   * `abort_uploads` rule a `ConflictError`. Needs an API key with the `delete` scope. Never retried:
   * each call makes a rule.
   */
  create(params: LifecycleRuleCreateParams, options?: RequestOptions): APIPromise<LifecycleRule> {
    return this.http.request({ method: 'POST', path: '/v1/lifecycle-rules', body: params, options });
  }

  /**
   * What `params` (not saved) would delete if it ran now: count, bytes, the first 50 files (or
   * unfinished uploads), and the money saved per month and for the rest of this month.
   */
  dryRun(params: LifecycleRuleCreateParams, options?: RequestOptions): APIPromise<LifecycleDryRun> {
    return this.http.request({ method: 'POST', path: '/v1/lifecycle-rules/dry-run', body: params, idempotent: true, options });
  }

  /** One rule of the account, with its last run and savings; `NotFoundError` for another account's. */
  get(id: string, options?: RequestOptions): APIPromise<LifecycleRule> {
    return this.http.request({ method: 'GET', path: `/v1/lifecycle-rules/${encodeId(id)}`, options });
  }

  /** Renames, enables or disables a rule; disabling stops a run in progress before its next file. */
  update(id: string, params: LifecycleRuleUpdateParams, options?: RequestOptions): APIPromise<LifecycleRule> {
    return this.http.request({ method: 'PATCH', path: `/v1/lifecycle-rules/${encodeId(id)}`, body: params, idempotent: true, options });
  }

  /** Deletes a rule and its history; files it deleted stay deleted. */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/lifecycle-rules/${encodeId(id)}`, options });
  }

  /** A rule's runs, newest first, each with what it deleted or aborted. */
  runs(id: string, params: LifecycleListParams = {}, options?: RequestOptions): LifecycleRunListing {
    const { cursor: start, ...rest } = params;
    return new Listing<LifecycleRunPage, LifecycleRun>((cursor) =>
      this.http.request<LifecycleRunPage>({ method: 'GET', path: `/v1/lifecycle-rules/${encodeId(id)}/runs`, query: { ...rest, cursor: cursor ?? start }, options }),
    );
  }

  /** The files a rule deleted (all its runs, or `run_id`'s), newest first, with size and deletion instant. */
  deletions(id: string, params: LifecycleDeletionsParams = {}, options?: RequestOptions): LifecycleDeletionListing {
    const { cursor: start, ...rest } = params;
    return new Listing<LifecycleDeletionPage, LifecycleDeletion>((cursor) =>
      this.http.request<LifecycleDeletionPage>({
        method: 'GET',
        path: `/v1/lifecycle-rules/${encodeId(id)}/deletions`,
        query: { ...rest, cursor: cursor ?? start },
        options,
      }),
    );
  }
}
