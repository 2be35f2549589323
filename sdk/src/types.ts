// Public names for the API's schemas. Everything comes from openapi.yaml through the generated file,
// so a contract change shows up here as a type error rather than at run time.
import type { components, operations } from './generated/openapi.js';

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type Account = Schemas['Account'];
export type Credentials = Schemas['Credentials'];
export type TokenPair = Schemas['TokenPair'];
export type PasswordChangeParams = Schemas['PasswordChange'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyScope = Schemas['ApiKeyScope'];
export type ApiKeyCreateParams = Schemas['ApiKeyCreate'];
export type ApiKeyWithSecret = Schemas['ApiKeyWithSecret'];
export type PresignParams = Schemas['PresignRequest'];
export type PresignResponse = Schemas['PresignResponse'];
export type SignedPart = Schemas['SignedPart'];
export type SignedPut = Schemas['SignedPut'];
export type CompleteParams = Schemas['CompleteRequest'];
export type BaketsuFile = Schemas['File'];
export type FilePage = Schemas['FilePage'];
export type FileUpdateParams = Schemas['FileUpdate'];
export type FileListParams = NonNullable<operations['listFiles']['parameters']['query']>;
export type BulkDeleteResult = Schemas['BulkDeleteResponse'];
export type DownloadUrl = Schemas['DownloadUrl'];
export type Upload = Schemas['Upload'];
export type UploadList = Schemas['UploadList'];
export type Limits = Schemas['Limits'];
export type LimitsUpdateParams = Schemas['LimitsUpdate'];
export type Usage = Schemas['Usage'];
export type UsageTrend = Schemas['UsageTrend'];
export type UsageTrendParams = NonNullable<operations['getUsageTrend']['parameters']['query']>;
export type UsageFilePage = Schemas['UsageFilePage'];
export type UsageFilesParams = NonNullable<operations['listUsageFiles']['parameters']['query']>;
export type BillingOverview = Schemas['BillingOverview'];
export type Invoice = Schemas['Invoice'];
export type CheckoutSession = Schemas['CheckoutSession'];
export type PortalSession = Schemas['PortalSession'];
export type ConflictPolicy = Schemas['ConflictPolicy'];
export type BulkMoveResult = Schemas['BulkMoveResponse'];
export type Folder = Schemas['Folder'];
export type FolderCreateParams = Schemas['FolderCreate'];
export type FolderUpdateParams = Schemas['FolderUpdate'];
export type FolderDeletion = Schemas['FolderDeletion'];
export type FolderCrumb = Schemas['FolderCrumb'];
export type FolderListing = Schemas['FolderListing'];
/** One entry of a folder listing: a folder (`kind: 'folder'`) or a file (`kind: 'file'`). */
export type FolderEntry = FolderListing['items'][number];
export type FolderChildrenParams = NonNullable<operations['listFolderChildren']['parameters']['query']>;
export type FolderUsage = Schemas['FolderUsage'];
