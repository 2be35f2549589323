// Everything both the Node and the runtime-neutral entries export besides the client class.
export {
  AbortError,
  APIError,
  AuthenticationError,
  BaketsuError,
  ConflictError,
  ConnectionError,
  GoneError,
  NotFoundError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  StorageError,
  TimeoutError,
  UploadDataError,
  ValidationError,
} from './errors.js';
export type { APIPromise, WithResponse } from './api-promise.js';
export type { AccessTokenSource, ClientOptions, Credentials as ClientCredentials, RequestOptions } from './options.js';
export type { FileListing } from './resources/files.js';
export type { PublicShareFiles, ShareListing } from './resources/shares.js';
export type { FolderChildren, FolderRef } from './resources/folders.js';
export type { LifecycleDeletionListing, LifecycleRuleListing, LifecycleRunListing } from './resources/lifecycle.js';
export { Listing, type CursorPage } from './resources/listing.js';
export type { UsageUpdate, UsageWatchOptions } from './resources/usage-watch.js';
export type * from './types.js';
export type { UploadProgress, ProgressListener } from './upload/progress.js';
export type { UploadData } from './upload/source.js';
export type { UploadOptions, UploadStart } from './upload/upload-options.js';
export type { UploadTask } from './upload/task.js';
export {
  resumeWithPresigned,
  uploadWithPresigned,
  type PresignedResumeOptions,
  type PresignedUploadData,
  type PresignedUploadOptions,
  type PresignedUploadResult,
  type SignParts,
} from './upload/presigned.js';
export { withRetries, type RetryOptions } from './retry.js';
export type { WebhookDeliveryListing, WebhookListing } from './resources/webhooks.js';
export { verifyWebhook, WebhookVerificationError, type WebhookEvent, type WebhookHeaders } from './webhooks/verify.js';
