import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  PublicShare,
  PublicShareDownload,
  PublicShareDownloadParams,
  PublicShareFile,
  PublicShareFilePage,
  PublicShareFilesParams,
  Share,
  SharePage,
  ShareListParams,
} from '../types.js';
import { Listing } from './listing.js';

export type ShareListing = Listing<SharePage, Share>;
export type PublicShareFiles = Listing<PublicShareFilePage, PublicShareFile>;

/**
 * `shares` tag: the links an account made (`files.share` and `folders.share` make one), and the public
 * side of a link, which needs no credentials: `getPublic`, `listPublicFiles` and `downloadPublic`
 * never send this client's token.
 */
export class SharesResource {
  constructor(private readonly http: HttpClient) {}

  /** Newest first, each with its downloads, bytes served and last use. */
  list(params: ShareListParams = {}, options?: RequestOptions): ShareListing {
    const { cursor: start, ...filters } = params;
    return new Listing<SharePage, Share>((cursor) =>
      this.http.request<SharePage>({ method: 'GET', path: '/v1/shares', query: { ...filters, cursor: cursor ?? start }, options }),
    );
  }

  /** One link of the account, with its downloads, bytes served and state; `NotFoundError` for another account's. */
  get(id: string, options?: RequestOptions): APIPromise<Share> {
    return this.http.request({ method: 'GET', path: `/v1/shares/${encodeId(id)}`, options });
  }

  /** The link stops working at once; revoking a revoked link changes nothing. */
  revoke(id: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/shares/${encodeId(id)}`, options });
  }

  /**
   * What a link offers, by its token (the last part of `/s/{token}`). A link that no longer works is
   * a `GoneError` whose `code` says why (`share_revoked`, `share_expired`, `share_exhausted`,
   * `share_target_deleted`); an unknown token is a `NotFoundError`.
   */
  getPublic(token: string, options?: RequestOptions): APIPromise<PublicShare> {
    return this.http.request({ method: 'GET', path: `/v1/public/shares/${encodeURIComponent(token)}`, anonymous: true, options });
  }

  /**
   * The files a link offers: a folder link's stored files at any depth, each with its `path`
   * relative to the folder (pages in id order; iterate with `for await`), a file link's one file.
   * Counts no download. Pass the `password` of a protected link: each page is a password attempt,
   * so pages are never retried. `cursor` starts after a page's `next_cursor`.
   */
  listPublicFiles(token: string, params: Partial<PublicShareFilesParams> = {}, options?: RequestOptions): PublicShareFiles {
    const { cursor: start, ...rest } = params;
    return new Listing<PublicShareFilePage, PublicShareFile>((cursor) => {
      const after = cursor ?? start;
      return this.http.request<PublicShareFilePage>({
        method: 'POST',
        path: `/v1/public/shares/${encodeURIComponent(token)}/files`,
        body: { ...rest, ...(after === undefined ? {} : { cursor: after }) },
        anonymous: true,
        options: { ...options, maxRetries: 0 },
      });
    });
  }

  /**
   * Uses one download of the link and answers a short-lived URL for the bytes. For a folder link,
   * `file_id` chooses the file (one of `listPublicFiles`); a file outside the folder is a
   * `NotFoundError`. Never retried: each call may count a download and a password attempt. A wrong
   * or missing password is a `PermissionError` (`share_password_incorrect`,
   * `share_password_required`); too many attempts a `RateLimitError`.
   */
  downloadPublic(token: string, params: PublicShareDownloadParams = {}, options?: RequestOptions): APIPromise<PublicShareDownload> {
    return this.http.request({
      method: 'POST',
      path: `/v1/public/shares/${encodeURIComponent(token)}/download`,
      body: params,
      anonymous: true,
      options: { ...options, maxRetries: 0 },
    });
  }
}
