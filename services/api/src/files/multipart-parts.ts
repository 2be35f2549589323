// Multipart uploads after the plan: re-signing part URLs, listing what storage holds (so a client
// resumes with no state of its own), and aborting.
import { errors } from '#src/platform/errors.js';
import { ObjectStoreError, type UploadedPart } from '#src/storage/object-store.js';
import { sha256Hex } from './file-input.js';
import type { FilesDeps } from './files-deps.js';
import { partLength, type PartPlan } from './multipart-plan.js';
import { uploadRepository, type UploadRow } from './upload-repository.js';

export interface SignedPart {
  part_number: number;
  size: number;
  url: string;
  headers: Record<string, string>;
  expires_at: string;
}

interface PartTarget {
  objectKey: string;
  multipartId: string;
  size: number;
  plan: PartPlan;
}

export async function signParts(deps: FilesDeps, target: PartTarget, partNumbers: readonly number[]): Promise<SignedPart[]> {
  return Promise.all(
    partNumbers.map(async (partNumber) => {
      const size = partLength(target.plan, target.size, partNumber);
      const signed = await deps.store.presignUploadPart(target.objectKey, target.multipartId, partNumber, {
        size,
        expiresInSeconds: deps.config.PRESIGN_TTL_SECONDS,
      });
      return { part_number: partNumber, size, url: signed.url, headers: signed.headers, expires_at: signed.expiresAt.toISOString() };
    }),
  );
}

/** A pending multipart upload of this account, or the problem that says why not. */
export async function pendingMultipart(deps: FilesDeps, accountId: string, uploadId: string) {
  const upload = await uploadRepository.find(deps.pool, accountId, uploadId);
  if (!upload) throw errors.uploadNotFound(uploadId);
  if (upload.status !== 'pending') throw errors.uploadNotPending(uploadId, upload.status);
  const target = multipartTarget(upload);
  if (!target) throw errors.uploadNotMultipart(uploadId);
  return { upload, target };
}

export function multipartTarget(upload: UploadRow): PartTarget | null {
  if (upload.multipart_id === null || upload.part_size === null || upload.part_count === null) return null;
  return {
    objectKey: upload.object_key,
    multipartId: upload.multipart_id,
    size: upload.size_bytes,
    plan: { partSize: upload.part_size, partCount: upload.part_count },
  };
}

export async function resignParts(deps: FilesDeps, accountId: string, uploadId: string, partNumbers: readonly number[]) {
  const { target } = await pendingMultipart(deps, accountId, uploadId);
  const wanted = [...new Set(partNumbers)].sort((a, b) => a - b);
  const outOfPlan = wanted.filter((n) => n < 1 || n > target.plan.partCount);
  if (outOfPlan.length > 0) throw errors.invalidParts(`This upload has parts 1 to ${target.plan.partCount}; ${outOfPlan.join(', ')} are outside.`);
  return signParts(deps, target, wanted);
}

/** Parts storage already holds; a missing multipart upload in storage means it was aborted. */
export async function storedParts(deps: FilesDeps, target: PartTarget): Promise<UploadedPart[]> {
  try {
    return await deps.store.listParts(target.objectKey, target.multipartId);
  } catch (error) {
    if (error instanceof ObjectStoreError && error.code === 'NoSuchUpload') return [];
    throw error;
  }
}

function uploadJson(upload: UploadRow) {
  const target = multipartTarget(upload);
  return {
    upload_id: upload.id,
    type: target ? ('multipart' as const) : ('single' as const),
    status: upload.status,
    name: upload.name,
    size: upload.size_bytes,
    content_type: upload.content_type,
    created_at: new Date(upload.created_at).toISOString(),
    ...(upload.file_id === null ? {} : { file_id: upload.file_id }),
    ...(target ? { part_size: target.plan.partSize, part_count: target.plan.partCount } : {}),
    ...(upload.sha256 === null ? {} : { sha256: sha256Hex(upload.sha256) }),
  };
}

export async function describeUpload(deps: FilesDeps, accountId: string, uploadId: string) {
  const upload = await uploadRepository.find(deps.pool, accountId, uploadId);
  if (!upload) throw errors.uploadNotFound(uploadId);
  const target = multipartTarget(upload);
  if (!target) return uploadJson(upload);
  const parts = upload.status === 'pending' ? await storedParts(deps, target) : [];
  return { ...uploadJson(upload), parts: parts.map((p) => ({ part_number: p.partNumber, size: p.size, etag: p.etag })) };
}

export async function pendingUploads(deps: FilesDeps, accountId: string) {
  return { items: (await uploadRepository.pendingOf(deps.pool, accountId, 100)).map(uploadJson) };
}

export async function abortUpload(deps: FilesDeps, accountId: string, uploadId: string): Promise<void> {
  const upload = await uploadRepository.find(deps.pool, accountId, uploadId);
  if (!upload) throw errors.uploadNotFound(uploadId);
  if (upload.status === 'aborted') return;
  if (upload.status !== 'pending') throw errors.uploadNotPending(uploadId, upload.status);
  // Marked first: from here on nothing can complete it, so removing the bytes cannot race a completion.
  if (!(await uploadRepository.finish(deps.pool, upload.id, 'aborted', deps.clock.now()))) {
    const now = await uploadRepository.find(deps.pool, accountId, uploadId);
    if (now?.status === 'aborted') return;
    throw errors.uploadNotPending(uploadId, now?.status ?? 'gone');
  }
  await discardUploadBytes(deps, upload);
}

/** Removes whatever storage holds for an upload that will never be a file. */
export async function discardUploadBytes(deps: FilesDeps, upload: UploadRow): Promise<void> {
  if (upload.multipart_id !== null) await deps.store.abortMultipartUpload(upload.object_key, upload.multipart_id);
  await deps.store.deleteObject(upload.object_key);
}
