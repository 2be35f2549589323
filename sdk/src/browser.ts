// @baketsu/sdk/browser: only what a page needs to send bytes to URLs its server presigned.
export {
  resumeWithPresigned,
  uploadWithPresigned,
  type PresignedResumeOptions,
  type PresignedUploadData,
  type PresignedUploadOptions,
  type PresignedUploadResult,
  type SignParts,
} from './upload/presigned.js';
export { AbortError, BaketsuError, ConflictError, ConnectionError, StorageError, TimeoutError, UploadDataError } from './errors.js';
export { withRetries, type RetryOptions } from './retry.js';
export type { UploadProgress, ProgressListener } from './upload/progress.js';
export type { UploadStart } from './upload/upload-options.js';
export type { PresignResponse, SignedPart, Upload } from './types.js';
