// The load of the fault test: one account per worker uploading (presign, PUT to S3, complete) and
// deleting its own files through the API, retrying a 503 after its Retry-After as the SDK does.
import { setTimeout as sleep } from 'node:timers/promises';
import { putTo, type Client } from '#src/files/testing/files-test-kit.js';

const MAX_ATTEMPTS = 10;

export interface LoadTally {
  operations: number;
  uploads: number;
  deletes: number;
  requests: number;
  /** 503 answers, each retried. */
  unavailable: number;
  /** A retried complete that found its upload already completed (200), or delete its file already gone (404). */
  settledByEarlierAttempt: number;
  /** Anything a client should never see here: 500s, other 5xx, unexpected 4xx. Each described. */
  unexpected: string[];
  /** Uploads the client was told are complete (201, or 200 for one completed before). */
  completedUploads: string[];
  /** Files the client was told are deleted (204, or 404 after a 503). */
  deletedFiles: string[];
}

export function emptyTally(): LoadTally {
  return { operations: 0, uploads: 0, deletes: 0, requests: 0, unavailable: 0, settledByEarlierAttempt: 0, unexpected: [], completedUploads: [], deletedFiles: [] };
}

type Answer = Awaited<ReturnType<Client['call']>> & { attempts: number };

/** One API call, retried on 503 after Retry-After; every answer is tallied. */
async function call(client: Client, tally: LoadTally, method: string, path: string, body?: unknown): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await client.call(method, path, body);
    tally.requests += 1;
    if (answer.status !== 503 || attempt === MAX_ATTEMPTS) return { ...answer, attempts: attempt };
    tally.unavailable += 1;
    await sleep(Number(answer.headers.get('retry-after') ?? '1') * 1000);
  }
}

function unexpected(tally: LoadTally, what: string, answer: Answer): void {
  tally.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
}

async function upload(client: Client, tally: LoadTally, name: string, size: number): Promise<string | null> {
  const presign = await call(client, tally, 'POST', '/v1/files/presign', { name, size, content_type: 'application/octet-stream' });
  if (presign.status !== 201) return unexpected(tally, 'presign', presign), null;
  const put = await putTo(presign.body, new Uint8Array(size).fill(size % 251));
  if (put.status !== 200) return tally.unexpected.push(`PUT: ${put.status} ${await put.text()}`), null;
  const complete = await call(client, tally, 'POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
  if (complete.status !== 201 && complete.status !== 200) return unexpected(tally, 'complete', complete), null;
  // 200 after a 503: an earlier attempt committed before its connection was lost.
  if (complete.status === 200 && complete.attempts > 1) tally.settledByEarlierAttempt += 1;
  tally.uploads += 1;
  tally.completedUploads.push(presign.body.upload_id as string);
  return complete.body.id as string;
}

async function remove(client: Client, tally: LoadTally, id: string): Promise<void> {
  const answer = await call(client, tally, 'DELETE', `/v1/files/${id}`);
  if (answer.status === 404 && answer.attempts > 1) tally.settledByEarlierAttempt += 1;
  else if (answer.status !== 204) return unexpected(tally, `delete ${id}`, answer);
  tally.deletes += 1;
  tally.deletedFiles.push(id);
}

/** Uploads and deletes until `signal` aborts; about one operation in three deletes a file of its own. */
export async function runAccountLoad(client: Client, tally: LoadTally, random: () => number, signal: AbortSignal): Promise<void> {
  const kept: string[] = [];
  for (let n = 0; !signal.aborted; n++) {
    if (kept.length > 0 && random() < 0.35) {
      const [id] = kept.splice(Math.floor(random() * kept.length), 1);
      await remove(client, tally, id!);
    } else {
      const id = await upload(client, tally, `fault-${n}.bin`, 1 + Math.floor(random() * 64 * 1024));
      if (id) kept.push(id);
    }
    tally.operations += 1;
  }
}
