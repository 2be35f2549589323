// Everything both the Node and the runtime-neutral entries export besides the client class.
export {
  APIError,
  AuthenticationError,
  BaketsuError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
  StorageError,
  ValidationError,
} from './errors.js';
export type { AccessTokenSource, ClientOptions, Credentials as ClientCredentials, RequestOptions } from './options.js';
export type { FileListing } from './resources/files.js';
export type { FolderChildren, FolderRef } from './resources/folders.js';
export { Listing, type CursorPage } from './resources/listing.js';
export type * from './types.js';
export type { UploadProgress, ProgressListener } from './upload/progress.js';
export type { UploadData } from './upload/source.js';
export type { UploadOptions, UploadStart } from './upload/upload.js';
export { uploadWithPresigned, type PresignedUploadOptions, type PresignedUploadResult } from './upload/presigned.js';
