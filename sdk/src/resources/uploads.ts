import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type { APIPromise } from '../api-promise.js';
import type { BaketsuFile, CompleteParams, PresignParams, PresignResponse, SignedPart, SignedPut, Upload, UploadList } from '../types.js';
import type { SourcePlatform, UploadData } from '../upload/source.js';
import type { UploadTask } from '../upload/task.js';
import { Uploader, type UploadApi, type UploadOptions } from '../upload/upload.js';

/**
 * The upload protocol step by step, for apps that split it (e.g. a server presigns and a browser
 * sends the bytes). `files.upload` does all of it.
 */
export class UploadsResource {
  /** @internal */
  readonly uploader: Uploader;

  constructor(
    private readonly http: HttpClient,
    platform: SourcePlatform,
  ) {
    const api: UploadApi = {
      presign: (params, options) => this.presign(params, options),
      get: (uploadId, options) => this.get(uploadId, options),
      parts: (uploadId, numbers, options) => this.parts(uploadId, numbers, options),
      url: (uploadId, options) => this.url(uploadId, options),
      complete: (uploadId, params, options) => this.complete(uploadId, params, options),
      abort: (uploadId, options) => this.abort(uploadId, options),
      getFile: (fileId, options) => http.request({ method: 'GET', path: `/v1/files/${encodeId(fileId)}`, options }),
      updateFile: (fileId, params, options) => http.request({ method: 'PATCH', path: `/v1/files/${encodeId(fileId)}`, body: params, idempotent: true, options }),
    };
    this.uploader = new Uploader(api, http.config, platform);
  }

  /**
   * Reserves an upload; not retried unless `idempotencyKey` is given, since each call reserves anew.
   * With a key, the API answers a retry with the first answer (for 24 hours).
   */
  presign(params: PresignParams, options?: RequestOptions): APIPromise<PresignResponse> {
    return this.http.request({ method: 'POST', path: '/v1/files/presign', body: params, options });
  }

  /** The upload, with the parts storage already holds. */
  get(uploadId: string, options?: RequestOptions): APIPromise<Upload> {
    return this.http.request({ method: 'GET', path: `/v1/uploads/${encodeId(uploadId)}`, options });
  }

  /**
   * The newest 100 pending uploads (not completed, aborted or failed), newest first: how a client
   * that kept no state finds an interrupted upload again, by name and size, to `resume` it.
   */
  list(options?: RequestOptions): APIPromise<UploadList> {
    return this.http.request({ method: 'GET', path: '/v1/uploads', options });
  }

  /** Signs (or re-signs) URLs for these parts of a multipart upload. */
  async parts(uploadId: string, partNumbers: number[], options?: RequestOptions): Promise<SignedPart[]> {
    const response = await this.http.request<{ parts: SignedPart[] }>({
      method: 'POST',
      path: `/v1/uploads/${encodeId(uploadId)}/parts`,
      body: { part_numbers: partNumbers },
      idempotent: true,
      options,
    });
    return response.parts;
  }

  /** A fresh URL for a single-PUT upload whose first URL expired; it binds the same bytes. */
  url(uploadId: string, options?: RequestOptions): APIPromise<SignedPut> {
    return this.http.request({ method: 'POST', path: `/v1/uploads/${encodeId(uploadId)}/url`, idempotent: true, options });
  }

  /**
   * Creates the file once storage holds every byte; completing twice returns the same file. Without
   * `parts`, the API uses every part storage holds.
   */
  complete(uploadId: string, params: Omit<CompleteParams, 'upload_id'> = {}, options?: RequestOptions): APIPromise<BaketsuFile> {
    return this.http.request({ method: 'POST', path: '/v1/files/complete', body: { upload_id: uploadId, ...params }, idempotent: true, options });
  }

  /** Storage discards what was sent; aborting twice is fine. */
  abort(uploadId: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/uploads/${encodeId(uploadId)}`, options });
  }

  /**
   * Finishes an interrupted or paused upload with the same data: only the parts storage lacks are
   * sent (a single PUT is sent again whole), after the parts it holds are checked against the data;
   * other data is refused with an `UploadDataError`. Returns an `UploadTask`, which can be paused again.
   */
  resume(uploadId: string, data: UploadData, options?: UploadOptions): UploadTask {
    return this.uploader.resume(uploadId, data, options);
  }
}
