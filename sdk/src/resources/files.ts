import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type { BaketsuFile, BulkDeleteResult, BulkMoveResult, DownloadUrl, FileListParams, FilePage, FileUpdateParams, ShareCreateParams, ShareWithToken } from '../types.js';
import type { UploadData } from '../upload/source.js';
import type { UploadTask } from '../upload/task.js';
import type { UploadOptions, Uploader } from '../upload/upload.js';
import { Listing } from './listing.js';

const MAX_BULK_DELETE = 1000;
const MAX_BULK_MOVE = 1000;

export type FileListing = Listing<FilePage, BaketsuFile>;

/** `files` tag: upload, list, read, change and delete files. */
export class FilesResource {
  constructor(
    private readonly http: HttpClient,
    private readonly uploader: Uploader,
  ) {}

  /**
   * Uploads `data` (a single PUT or parts, as the API plans it) and resolves to the stored file. The
   * returned `UploadTask` is that Promise, with `pause()` (keep the upload to resume later) and
   * `abort()` (discard it). `name` may be a path (`'reports/2026/q4.pdf'`), or give `folder`;
   * missing folders are created. If the path is taken, `onConflict` decides: `'fail'` (the default:
   * a `ConflictError` with code `path_taken`), `'rename'` (`q4 (1).pdf`) or `'replace'`.
   */
  upload(data: UploadData, options?: UploadOptions): UploadTask {
    return this.uploader.upload(data, options);
  }

  /**
   * Files of the account, newest first unless sorted otherwise: `await` it for one page, iterate it
   * for every file (see `Listing`). Filters: `q` (name search), `type`, `tag`, `sort`, `order`, `limit`.
   */
  list(params: FileListParams = {}, options?: RequestOptions): FileListing {
    const { cursor: start, ...filters } = params;
    return new Listing<FilePage, BaketsuFile>((cursor) =>
      this.http.request<FilePage>({ method: 'GET', path: '/v1/files', query: { ...filters, cursor: cursor ?? start }, options }),
    );
  }

  /** One file's metadata; `NotFoundError` for a deleted file or another account's. */
  get(id: string, options?: RequestOptions): APIPromise<BaketsuFile> {
    return this.http.request({ method: 'GET', path: `/v1/files/${encodeId(id)}`, options });
  }

  /** Renames, moves (`folder_id`, `null` for the root) and/or replaces the tags. A taken path is a `ConflictError` (`path_taken`). */
  update(id: string, params: FileUpdateParams, options?: RequestOptions): APIPromise<BaketsuFile> {
    return this.http.request({ method: 'PATCH', path: `/v1/files/${encodeId(id)}`, body: params, idempotent: true, options });
  }

  /** Into a folder, or to the root with `null`. Billing does not notice a move. */
  move(id: string, folderId: string | null, options?: RequestOptions): APIPromise<BaketsuFile> {
    return this.update(id, { folder_id: folderId }, options);
  }

  /**
   * Moves any number of files into one folder (`null`: the root), 1,000 per request. Each request
   * is all or nothing: a name already taken in the folder is a `ConflictError` (`path_taken`, with
   * the `names`), and the batches before it stay moved.
   */
  async moveMany(ids: readonly string[], folderId: string | null, options?: RequestOptions): Promise<BulkMoveResult> {
    const result: BulkMoveResult = { moved: [], not_found: [] };
    for (let i = 0; i < ids.length; i += MAX_BULK_MOVE) {
      const batch = await this.http.request<BulkMoveResult>({
        method: 'POST',
        path: '/v1/files/bulk-move',
        body: { ids: ids.slice(i, i + MAX_BULK_MOVE), folder_id: folderId },
        // Moving into the folder a file is already in changes nothing.
        idempotent: true,
        options,
      });
      result.moved.push(...batch.moved);
      result.not_found.push(...batch.not_found);
    }
    return result;
  }

  /** Deletes the file: its bytes go and its byte-time stops at this instant. */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/files/${encodeId(id)}`, options });
  }

  /** Any number of ids, sent 1,000 at a time; ids that are not stored files come back in `not_found`. */
  async deleteMany(ids: readonly string[], options?: RequestOptions): Promise<BulkDeleteResult> {
    const result: BulkDeleteResult = { deleted: [], not_found: [] };
    for (let i = 0; i < ids.length; i += MAX_BULK_DELETE) {
      const batch = await this.http.request<BulkDeleteResult>({
        method: 'POST',
        path: '/v1/files/bulk-delete',
        body: { ids: ids.slice(i, i + MAX_BULK_DELETE) },
        // Deleting what is already deleted changes nothing.
        idempotent: true,
        options,
      });
      result.deleted.push(...batch.deleted);
      result.not_found.push(...batch.not_found);
    }
    return result;
  }

  /**
   * A link anyone can open without an account (`url`, the dashboard's `/s/{token}` page), with an
   * optional expiry, password and download limit. The `token` and `url` are in this answer only.
   * Never retried: each call makes a new link, and the API keeps no answer to replay (it would
   * hold the token).
   */
  share(id: string, params: ShareCreateParams = {}, options?: RequestOptions): APIPromise<ShareWithToken> {
    return this.http.request({ method: 'POST', path: `/v1/files/${encodeId(id)}/shares`, body: params, options: { ...options, maxRetries: 0 } });
  }

  /** A short-lived URL to GET the bytes (with Content-Disposition naming the file). */
  downloadUrl(id: string, options?: RequestOptions): APIPromise<DownloadUrl> {
    return this.http.request({ method: 'GET', path: `/v1/files/${encodeId(id)}/download`, options });
  }
}
