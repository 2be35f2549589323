// @baketsu/sdk/browser: only what a page needs to send bytes to a URL its server presigned.
export { uploadWithPresigned, type PresignedUploadOptions, type PresignedUploadResult } from './upload/presigned.js';
export { BaketsuError, ConnectionError, StorageError } from './errors.js';
export type { UploadProgress, ProgressListener } from './upload/progress.js';
export type { PresignResponse, SignedPart } from './types.js';
