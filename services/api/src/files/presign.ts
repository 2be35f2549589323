// POST /v1/files/presign: validate what the client declares, reserve it against the account's
// limits, and hand out URLs whose signatures bind exactly those bytes.
import { v7 as uuidv7 } from 'uuid';
import { errors } from '#src/platform/errors.js';
import type { PresignedRequest } from '#src/storage/object-store.js';
import type { ConflictPolicy } from '#src/folders/file-placement.js';
import { validFilePath } from '#src/folders/folder-paths.js';
import { validContentType, validPartSize, validSha256 } from './file-input.js';
import { objectKeyFor, type FilesDeps } from './files-deps.js';
import { checkUploadAllowed, effectiveLimits, readAccountLimits } from './limits.js';
import { planParts, type PartPlan } from './multipart-plan.js';
import { multipartTarget, signParts, type SignedPart } from './multipart-parts.js';
import { formatMicros, monthlyCostMicros, pricePerGibMonthMicros } from '@baketsu/billing-core';
import type { UploadAdmissions } from './upload-admissions.js';
import { uploadRepository } from './upload-repository.js';

export interface PresignInput {
  name: string;
  size: number;
  content_type: string;
  sha256?: string;
  /** Bytes per part if the upload is multipart; the threshold still decides single or multipart. */
  part_size?: number;
  on_conflict?: ConflictPolicy;
}

/** Part URLs signed up front; the rest come from POST /v1/uploads/{id}/parts. */
export const INITIAL_PART_URLS = 100;

export type PresignResult = {
  upload_id: string;
  size: number;
  expires_at: string;
  quote: { added_monthly_cost: string; estimated_monthly_cost: string; currency: string };
} & (
  | { type: 'single'; method: 'PUT'; url: string; headers: Record<string, string> }
  | { type: 'multipart'; part_size: number; part_count: number; parts: SignedPart[] }
);

export async function presignUpload(
  deps: FilesDeps & { admissions: UploadAdmissions },
  accountId: string,
  input: PresignInput,
): Promise<PresignResult> {
  const { config, pool, store, clock } = deps;
  // A path: its folders are found or created when the upload completes (folders/file-placement.ts).
  const path = validFilePath(input.name);
  const name = [...path.folders, path.name].join('/');
  if (input.size > config.MAX_FILE_SIZE_BYTES) throw errors.fileTooLarge(input.size, config.MAX_FILE_SIZE_BYTES);
  const contentType = validContentType(input.content_type, config.ALLOWED_CONTENT_TYPES);
  const sha256 = input.sha256 === undefined ? null : validSha256(input.sha256);
  const partSize = input.part_size === undefined ? undefined : validPartSize(input.size, input.part_size);
  const plan: PartPlan | null =
    input.size > config.MULTIPART_THRESHOLD_BYTES ? planParts(input.size, config.MULTIPART_PART_SIZE_BYTES, partSize) : null;
  const uploadId = uuidv7();
  const objectKey = objectKeyFor(accountId, uploadId);
  const now = clock.now();
  const newUpload = {
    id: uploadId,
    accountId,
    objectKey,
    name,
    size: input.size,
    contentType,
    sha256,
    partSize: plan?.partSize ?? null,
    partCount: plan?.partCount ?? null,
    createdAt: now,
  };
  // One statement, shared with concurrent presigns, checks standing and limits and reserves the
  // bytes; the problem saying by how much is only worked out when it refused.
  const admission = await deps.admissions.admit(newUpload);
  const priceMicros = pricePerGibMonthMicros(config);
  // A past-due account keeps what it stores but cannot add more until it has paid.
  if (!admission.admitted && admission.reason === 'past_due') throw errors.paymentPastDue();
  if (!admission.admitted) {
    const row = await readAccountLimits(pool, accountId);
    checkUploadAllowed({ limits: effectiveLimits(row, config), usedBytes: row.used_bytes, size: input.size, priceMicros, currency: config.CURRENCY });
    // Space was freed between the two statements; a retry will pass.
    throw errors.tooManyRequests(1);
  }
  // Only a policy other than the default costs a statement.
  if (input.on_conflict !== undefined && input.on_conflict !== 'fail') await uploadRepository.setConflictPolicy(pool, uploadId, input.on_conflict);
  const estimate = {
    addedMicros: monthlyCostMicros(BigInt(input.size), priceMicros),
    estimatedMicros: monthlyCostMicros(BigInt(admission.usedBefore + input.size), priceMicros),
  };
  const quote = {
    added_monthly_cost: formatMicros(estimate.addedMicros),
    estimated_monthly_cost: formatMicros(estimate.estimatedMicros),
    currency: config.CURRENCY,
  };
  const expiresInSeconds = config.PRESIGN_TTL_SECONDS;

  if (plan === null) {
    let put: Awaited<ReturnType<typeof signSinglePut>>;
    try {
      put = await signSinglePut(deps, { objectKey, size: input.size, contentType, sha256 });
    } catch (error) {
      // As for multipart below: an upload that cannot be signed frees its reservation now, and a
      // retry (with the same Idempotency-Key too) reserves afresh instead of holding two.
      await uploadRepository.finish(pool, uploadId, 'failed', clock.now());
      throw error;
    }
    return { upload_id: uploadId, type: 'single', size: input.size, ...put, quote };
  }

  let multipartId: string;
  try {
    ({ multipartId } = await store.createMultipartUpload(objectKey, { contentType }));
    await uploadRepository.setMultipartId(pool, uploadId, multipartId);
  } catch (error) {
    // Frees the reservation; a multipart upload created in storage is aborted by reconciliation.
    await uploadRepository.finish(pool, uploadId, 'failed', clock.now());
    throw error;
  }
  const numbers = Array.from({ length: Math.min(plan.partCount, INITIAL_PART_URLS) }, (_, i) => i + 1);
  const parts = await signParts(deps, { objectKey, multipartId, size: input.size, plan }, numbers);
  return {
    upload_id: uploadId,
    type: 'multipart',
    size: input.size,
    part_size: plan.partSize,
    part_count: plan.partCount,
    parts,
    expires_at: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
    quote,
  };
}

/** A URL for the one PUT of a single upload, binding its size, content type and checksum. */
async function signSinglePut(
  deps: Pick<FilesDeps, 'store' | 'config'>,
  upload: { objectKey: string; size: number; contentType: string; sha256: string | null },
): Promise<{ method: 'PUT'; url: string; headers: Record<string, string>; expires_at: string }> {
  const put: PresignedRequest = await deps.store.presignPut(upload.objectKey, {
    size: upload.size,
    contentType: upload.contentType,
    ...(upload.sha256 === null ? {} : { sha256Base64: upload.sha256 }),
    expiresInSeconds: deps.config.PRESIGN_TTL_SECONDS,
  });
  return { method: 'PUT', url: put.url, headers: put.headers, expires_at: put.expiresAt.toISOString() };
}

/**
 * POST /v1/uploads/{id}/url: a fresh URL for a pending single upload whose first one expired. It
 * binds exactly what the first did, so nothing the client could change is re-negotiated here.
 */
export async function resignSinglePut(deps: FilesDeps, accountId: string, uploadId: string) {
  const upload = await uploadRepository.find(deps.pool, accountId, uploadId);
  if (!upload) throw errors.uploadNotFound(uploadId);
  if (upload.status !== 'pending') throw errors.uploadNotPending(uploadId, upload.status);
  if (multipartTarget(upload) !== null) throw errors.uploadNotSingle(uploadId);
  const put = await signSinglePut(deps, {
    objectKey: upload.object_key,
    size: upload.size_bytes,
    contentType: upload.content_type,
    sha256: upload.sha256,
  });
  return { upload_id: upload.id, ...put };
}
