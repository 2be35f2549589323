import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type { BaketsuFile, BulkDeleteResult, BulkMoveResult, DownloadUrl, FileListParams, FilePage, FileUpdateParams } from '../types.js';
import type { UploadData } from '../upload/source.js';
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
   * Uploads `data` (a single PUT or parts, as the API plans it) and returns the stored file. `name`
   * may be a path (`'reports/2026/q4.pdf'`), or give `folder`; missing folders are created. If the
   * path is taken, `onConflict` decides: `'fail'` (the default: a `ConflictError` with code
   * `path_taken`), `'rename'` (`q4 (1).pdf`) or `'replace'`.
   */
  upload(data: UploadData, options?: UploadOptions): Promise<BaketsuFile> {
    return this.uploader.upload(data, options);
  }

  list(params: FileListParams = {}, options?: RequestOptions): FileListing {
    const { cursor: start, ...filters } = params;
    return new Listing<FilePage, BaketsuFile>((cursor) =>
      this.http.request<FilePage>({ method: 'GET', path: '/v1/files', query: { ...filters, cursor: cursor ?? start }, options }),
    );
  }

  get(id: string, options?: RequestOptions): Promise<BaketsuFile> {
    return this.http.request({ method: 'GET', path: `/v1/files/${encodeId(id)}`, options });
  }

  /** Renames, moves (`folder_id`, `null` for the root) and/or replaces the tags. A taken path is a `ConflictError` (`path_taken`). */
  update(id: string, params: FileUpdateParams, options?: RequestOptions): Promise<BaketsuFile> {
    return this.http.request({ method: 'PATCH', path: `/v1/files/${encodeId(id)}`, body: params, idempotent: true, options });
  }

  /** Into a folder, or to the root with `null`. Billing does not notice a move. */
  move(id: string, folderId: string | null, options?: RequestOptions): Promise<BaketsuFile> {
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

  delete(id: string, options?: RequestOptions): Promise<void> {
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

  /** A short-lived URL to GET the bytes (with Content-Disposition naming the file). */
  downloadUrl(id: string, options?: RequestOptions): Promise<DownloadUrl> {
    return this.http.request({ method: 'GET', path: `/v1/files/${encodeId(id)}/download`, options });
  }
}
