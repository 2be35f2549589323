// POST /v1/files/complete: only what storage confirms becomes a file, and the file row and its
// file.stored event commit together.
import { v7 as uuidv7 } from 'uuid';
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { placeNewFile, type ConflictPolicy } from '#src/folders/file-placement.js';
import { errors } from '#src/platform/errors.js';
import { ObjectStoreError, type CompletedPart } from '#src/storage/object-store.js';
import { removeDeletedObjects } from './file-deletion.js';
import { fileRepository, type FileRow } from './file-repository.js';
import type { FilesDeps } from './files-deps.js';
import { multipartTarget, storedParts } from './multipart-parts.js';
import { uploadRepository, type UploadRow } from './upload-repository.js';

export interface CompleteInput {
  upload_id: string;
  parts?: Array<{ part_number: number; etag: string }>;
  /** Overrides the policy given at presign. */
  on_conflict?: ConflictPolicy;
}

export async function completeUpload(
  deps: FilesDeps,
  accountId: string,
  input: CompleteInput,
): Promise<{ file: FileRow; created: boolean }> {
  const upload = await uploadRepository.find(deps.pool, accountId, input.upload_id);
  if (!upload) throw errors.uploadNotFound(input.upload_id);
  if (upload.status === 'completed') return { file: await existingFile(deps, upload), created: false };
  if (upload.status !== 'pending') throw errors.uploadNotPending(upload.id, upload.status);

  if (upload.multipart_id !== null) await finishMultipart(deps, upload, input.parts);
  return adopt(deps, upload, await verifyObject(deps, upload), input.on_conflict ?? upload.on_conflict);
}

/** What storage vouched for when an object was verified; recorded on the file for reconciliation. */
export interface VerifiedObject {
  /** Base64 SHA-256 of the bytes, when storage reported or confirmed one. */
  sha256: string | null;
  /** `<algorithm>:<base64>`, the strongest whole-object checksum storage reported. */
  checksum: string | null;
  etag: string | null;
}

/**
 * Records a verified object as a file at the upload's path (also used by reconciliation to adopt an
 * upload nobody completed). A path conflict under `fail` is 409 `path_taken` and leaves the upload
 * pending.
 */
export async function adopt(
  deps: FilesDeps,
  upload: UploadRow,
  verified: VerifiedObject,
  onConflict: ConflictPolicy,
): Promise<{ file: FileRow; created: boolean }> {
  const storedAt = deps.clock.now();
  const fileId = uuidv7();
  const done = await deps.pool.transaction(async (tx) => {
    // Only one completion wins; a concurrent one sees "not pending" and returns the winner's file.
    if (!(await uploadRepository.finish(tx, upload.id, 'completed', storedAt, fileId))) return null;
    // `replace` stops the old file's billing in this transaction, at the instant the new one starts.
    const placement = await placeNewFile(tx, upload.account_id, upload.name, onConflict, storedAt);
    const row = await fileRepository.insert(tx, {
      id: fileId,
      account_id: upload.account_id,
      upload_id: upload.id,
      object_key: upload.object_key,
      name: placement.name,
      folder_id: placement.folderId,
      size_bytes: upload.size_bytes,
      content_type: upload.content_type,
      sha256: verified.sha256,
      created_at: storedAt.getTime(),
    }, verified);
    await appendToOutbox(
      tx,
      fileEvent('file.stored', uuidv7(), {
        file_id: row.id,
        account_id: row.account_id,
        size_bytes: row.size_bytes,
        content_type: row.content_type,
        stored_at: storedAt.toISOString(),
      }),
    );
    return { row, replaced: placement.replaced };
  });
  if (done) {
    await removeDeletedObjects(deps, done.replaced);
    return { file: done.row, created: true };
  }
  const now = await uploadRepository.find(deps.pool, upload.account_id, upload.id);
  if (now?.status === 'completed') return { file: await existingFile(deps, now), created: false };
  throw errors.uploadNotPending(upload.id, now?.status ?? 'gone');
}

async function existingFile(deps: FilesDeps, upload: UploadRow): Promise<FileRow> {
  const file = upload.file_id === null ? null : await fileRepository.findById(deps.pool, upload.file_id);
  // The file was completed and since deleted: the upload is spent.
  if (!file || file.status !== 'stored') throw errors.uploadNotPending(upload.id, 'completed');
  return file;
}

async function finishMultipart(deps: FilesDeps, upload: UploadRow, given: CompleteInput['parts']): Promise<void> {
  const target = multipartTarget(upload);
  if (!target) throw errors.uploadIncomplete('The multipart upload is still being created; try again.');
  // A completion that crashed after storage assembled the object: nothing left to assemble.
  if (await deps.store.headObject(upload.object_key)) return;
  const held = await storedParts(deps, target);
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  const missing: number[] = [];
  for (let n = 1; n <= target.plan.partCount && missing.length < 20; n++) if (!byNumber.has(n)) missing.push(n);
  if (missing.length > 0) throw errors.uploadIncomplete(`Parts not yet uploaded: ${missing.join(', ')}${missing.length === 20 ? ', …' : ''}.`);

  let parts: CompletedPart[] = held.filter((p) => p.partNumber <= target.plan.partCount).map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
  if (given) {
    const unquote = (etag: string) => etag.replace(/^(W\/)?"|"$/g, '');
    const wrong = given.filter((p) => unquote(byNumber.get(p.part_number)?.etag ?? '') !== unquote(p.etag)).map((p) => p.part_number);
    if (given.length !== target.plan.partCount || wrong.length > 0) {
      throw errors.invalidParts(
        wrong.length > 0 ? `Parts ${wrong.slice(0, 20).join(', ')} do not match what storage holds.` : `Send all ${target.plan.partCount} parts, or none.`,
      );
    }
    parts = given.map((p) => ({ partNumber: p.part_number, etag: byNumber.get(p.part_number)!.etag })).sort((a, b) => a.partNumber - b.partNumber);
  }
  try {
    await deps.store.completeMultipartUpload(upload.object_key, target.multipartId, parts);
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    // A concurrent completion may have assembled it a moment ago (storage never replaces an object,
    // so what is there is verified next like any other).
    if ((error.code === 'NoSuchUpload' || error.code === 'ObjectExists') && (await deps.store.headObject(upload.object_key))) return;
    if (error.code === 'NoSuchUpload') throw errors.uploadNotPending(upload.id, 'aborted');
    throw errors.invalidParts(error.message);
  }
}

/** Confirms size (and checksum) with storage; a mismatch removes the object and fails the upload. */
export async function verifyObject(deps: FilesDeps, upload: UploadRow): Promise<VerifiedObject> {
  const head = await deps.store.headObject(upload.object_key);
  if (!head) throw errors.uploadIncomplete('Storage holds no object for this upload yet: PUT the bytes to the presigned URL first.');
  let mismatch: string | null = null;
  if (head.size !== upload.size_bytes) mismatch = `Storage holds ${head.size} bytes; ${upload.size_bytes} were declared.`;
  else if (upload.sha256 !== null && head.sha256Base64 !== undefined && head.sha256Base64 !== upload.sha256) {
    mismatch = 'The stored bytes do not have the declared SHA-256.';
  }
  if (mismatch !== null) {
    await uploadRepository.finish(deps.pool, upload.id, 'failed', deps.clock.now());
    await deps.store.deleteObject(upload.object_key);
    throw errors.uploadMismatch(mismatch);
  }
  // A single PUT with a declared checksum was bound to it by the signature, so storage verified it
  // even when it does not report it back. Otherwise only what storage reports is recorded (S3
  // knows no SHA-256 of a multipart object, nor of a PUT that declared none: then its CRC64NVME).
  const boundBySignature = upload.sha256 !== null && upload.multipart_id === null;
  return {
    sha256: head.sha256Base64 ?? (boundBySignature ? upload.sha256 : null),
    checksum: head.checksum ?? null,
    etag: head.etag ?? null,
  };
}
