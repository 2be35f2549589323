import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  Folder,
  FolderChildrenParams,
  FolderDeletion,
  FolderEntry,
  FolderListing,
  FolderUpdateParams,
  FolderUsage,
  ShareCreateParams,
  ShareWithToken,
} from '../types.js';
import { Listing } from './listing.js';

/** A folder id, or `'root'` for the top of the account. */
export type FolderRef = string | 'root';

export type FolderChildren = Listing<FolderListing, FolderEntry>;

/**
 * `folders` tag: organise files by path. Folders are metadata: moving or renaming one is a single
 * change on the server however many files it holds; storage keys and billing are untouched.
 *
 * ```ts
 * const reports = await baketsu.folders.create('reports/2026');
 * await baketsu.files.upload(pdf, { folder: 'reports/2026' });
 * for await (const entry of baketsu.folders.children(reports.id)) console.log(entry.kind, entry.path);
 * ```
 */
export class FoldersResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Creates a folder at `path` (`'a/b/c'`, relative to `parentId`, the root by default), creating
   * missing parents. A folder or a file already there is a `ConflictError` with code `path_taken`.
   */
  create(path: string, params: { parentId?: string | null } = {}, options?: RequestOptions): APIPromise<Folder> {
    return this.http.request({
      method: 'POST',
      path: '/v1/folders',
      body: { path, ...(params.parentId === undefined ? {} : { parent_id: params.parentId }) },
      options,
    });
  }

  /** A folder with its totals (bytes, files and folders inside, at any depth). */
  get(id: string, options?: RequestOptions): APIPromise<Folder> {
    return this.http.request({ method: 'GET', path: `/v1/folders/${encodeId(id)}`, options });
  }

  /** The folder at a path such as `'reports/2026'`; a `NotFoundError` if there is none. */
  getByPath(path: string, options?: RequestOptions): APIPromise<Folder> {
    return this.http.request({ method: 'GET', path: '/v1/folders/by-path', query: { path }, options });
  }

  /**
   * One level of a folder, folders first, then files, by name; with `q`, a search of the whole
   * subtree. `await` it for one page (with `folder` and `ancestors` for breadcrumbs), or iterate.
   */
  children(folder: FolderRef = 'root', params: FolderChildrenParams = {}, options?: RequestOptions): FolderChildren {
    const { cursor: start, ...filters } = params;
    return new Listing<FolderListing, FolderEntry>((cursor) =>
      this.http.request<FolderListing>({
        method: 'GET',
        path: `/v1/folders/${encodeId(folder)}/children`,
        query: { ...filters, cursor: cursor ?? start },
        options,
      }),
    );
  }

  /** Renames and/or moves (`parent_id: null` moves to the root). */
  update(id: string, params: FolderUpdateParams, options?: RequestOptions): APIPromise<Folder> {
    return this.http.request({ method: 'PATCH', path: `/v1/folders/${encodeId(id)}`, body: params, idempotent: true, options });
  }

  /** A new name in the same parent (one segment, no "/"); a taken name is a `ConflictError` (`path_taken`). */
  rename(id: string, name: string, options?: RequestOptions): APIPromise<Folder> {
    return this.update(id, { name }, options);
  }

  /** Into another folder, or to the root with `null`. Moving a folder into itself is a `ConflictError` (`folder_cycle`). */
  move(id: string, parentId: string | null, options?: RequestOptions): APIPromise<Folder> {
    return this.update(id, { parent_id: parentId }, options);
  }

  /**
   * Deletes an empty folder, or with `recursive: true` everything in it (billing of every file
   * stops at once). A non-empty folder without `recursive` is a `ConflictError` (`folder_not_empty`).
   */
  delete(id: string, params: { recursive?: boolean } = {}, options?: RequestOptions): APIPromise<FolderDeletion> {
    return this.http.request({
      method: 'DELETE',
      path: `/v1/folders/${encodeId(id)}`,
      query: { recursive: params.recursive ? 'true' : undefined },
      options,
    });
  }

  /**
   * A link anyone can open without an account to the folder's files at any depth, downloaded one by
   * one (`shares.listPublicFiles`, `shares.downloadPublic` with `file_id`), with an optional expiry,
   * password and download limit (counted per file downloaded). The `token` and `url` are in this
   * answer only. Never retried: each call makes a new link.
   */
  share(id: string, params: ShareCreateParams = {}, options?: RequestOptions): APIPromise<ShareWithToken> {
    return this.http.request({ method: 'POST', path: `/v1/folders/${encodeId(id)}/shares`, body: params, options: { ...options, maxRetries: 0 } });
  }

  /** Bytes, this month's byte-time (exact byte-milliseconds, a string) and estimated cost of everything inside. */
  usage(folder: FolderRef = 'root', options?: RequestOptions): APIPromise<FolderUsage> {
    return this.http.request({ method: 'GET', path: `/v1/folders/${encodeId(folder)}/usage`, options });
  }
}
