// What the webhook endpoints do: register (secret shown once), list, change, delete, rotate the
// secret with an overlap, read the delivery log, and replay. Every call is scoped to one account.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@baketsu/platform/clock';
import { sql, type DatabasePool } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { validTags } from '#src/files/file-input.js';
import { lockAccount } from '#src/folders/account-lock.js';
import { liveFolder } from '#src/folders/folder-tree.js';
import type { components, ResponseBody } from '#src/platform/contract-types.js';
import type { Config } from '#src/platform/config.js';
import { parkDeliveries, unparkDeliveries } from './sender.js';
import { RefusedUrlError, parseWebhookUrl, resolveWebhookTarget } from './url-safety.js';
import { decodeDeliveryCursor, decodeEndpointCursor, encodeDeliveryCursor, encodeEndpointCursor } from './webhook-cursor.js';
import { webhookErrors } from './webhook-errors.js';
import { deliveryJson, webhookJson } from './webhook-json.js';
import { webhookRepository, type EndpointRow } from './webhook-repository.js';

type Schemas = components['schemas'];

export interface WebhooksDeps {
  pool: DatabasePool;
  clock: Clock;
  config: Pick<Config, 'WEBHOOKS_ALLOW_PRIVATE_URLS' | 'WEBHOOK_MAX_ENDPOINTS' | 'MAX_TAGS_PER_FILE'>;
}

/** Most events one replay call queues; the caller continues from the last one's time. */
export const MAX_REPLAY = 10_000;
const DEFAULT_OVERLAP_SECONDS = 86_400;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Refuses a URL the sender would refuse (at creation and change; the sender checks again at each send). */
async function acceptableUrl(deps: WebhooksDeps, raw: string): Promise<string> {
  try {
    // With private URLs allowed there is no address to refuse, so nothing is resolved.
    if (deps.config.WEBHOOKS_ALLOW_PRIVATE_URLS) parseWebhookUrl(raw);
    else await resolveWebhookTarget(raw, { allowPrivate: false });
    return raw;
  } catch (error) {
    if (error instanceof RefusedUrlError) throw webhookErrors.webhookUrlNotAllowed(error.message);
    throw error;
  }
}

async function endpointOf(deps: WebhooksDeps, accountId: string, id: string): Promise<EndpointRow> {
  const row = await webhookRepository.find(deps.pool, accountId, id);
  if (!row) throw webhookErrors.webhookNotFound(id);
  return row;
}

export async function createWebhook(deps: WebhooksDeps, accountId: string, input: Schemas['WebhookCreate']): Promise<Schemas['WebhookWithSecret']> {
  const url = await acceptableUrl(deps, input.url);
  const tag = input.tag === undefined ? null : (validTags([input.tag], 1)[0] ?? null);
  const secret = newSecret();
  const row = await deps.pool.transaction(async (tx) => {
    // One at a time per account, so two creations cannot both take the last place.
    await lockAccount(tx, accountId);
    if (input.folder_id !== undefined) await liveFolder(tx, accountId, input.folder_id);
    const count = await webhookRepository.countOf(tx, accountId);
    if (count >= deps.config.WEBHOOK_MAX_ENDPOINTS) throw webhookErrors.tooManyWebhooks(deps.config.WEBHOOK_MAX_ENDPOINTS);
    return webhookRepository.insert(tx, {
      id: uuidv7(),
      accountId,
      url,
      eventTypes: [...new Set(input.event_types)],
      folderId: input.folder_id ?? null,
      tag,
      secret,
      createdAt: deps.clock.now(),
    });
  });
  return { ...webhookJson(row), secret };
}

export async function listWebhooks(deps: WebhooksDeps, accountId: string, query: { limit?: number; cursor?: string }): Promise<ResponseBody<'listWebhooks'>> {
  const limit = query.limit ?? 50;
  const rows = await webhookRepository.list(deps.pool, accountId, limit + 1, query.cursor === undefined ? undefined : decodeEndpointCursor(query.cursor));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(webhookJson),
    ...(rows.length > limit && last ? { next_cursor: encodeEndpointCursor({ createdAt: last.created_at, id: last.id }) } : {}),
  };
}

export async function getWebhook(deps: WebhooksDeps, accountId: string, id: string): Promise<Schemas['Webhook']> {
  return webhookJson(await endpointOf(deps, accountId, id));
}

export async function updateWebhook(deps: WebhooksDeps, accountId: string, id: string, input: Schemas['WebhookUpdate']): Promise<Schemas['Webhook']> {
  const url = input.url === undefined ? undefined : await acceptableUrl(deps, input.url);
  const at = deps.clock.now();
  const row = await deps.pool.transaction(async (tx) => {
    const updated = await webhookRepository.update(
      tx,
      accountId,
      id,
      {
        ...(url === undefined ? {} : { url }),
        ...(input.event_types === undefined ? {} : { eventTypes: [...new Set(input.event_types)] }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      },
      at,
    );
    // Pending deliveries wait while the endpoint is off and are due again the moment it is on.
    if (updated && input.enabled === false) await parkDeliveries(tx, updated.id);
    if (updated && input.enabled === true) await unparkDeliveries(tx, updated.id, at);
    return updated;
  });
  if (!row) throw webhookErrors.webhookNotFound(id);
  return webhookJson(row);
}

export async function deleteWebhook(deps: WebhooksDeps, accountId: string, id: string): Promise<void> {
  if (!(await webhookRepository.remove(deps.pool, accountId, id))) throw webhookErrors.webhookNotFound(id);
}

export async function rotateWebhookSecret(
  deps: WebhooksDeps,
  accountId: string,
  id: string,
  input: Schemas['WebhookSecretRotation'],
): Promise<Schemas['WebhookSecret']> {
  const secret = newSecret();
  const until = new Date(deps.clock.now().getTime() + (input.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS) * 1000);
  const row = await webhookRepository.rotate(deps.pool, accountId, id, secret, until);
  if (!row) throw webhookErrors.webhookNotFound(id);
  return { secret, previous_secret_expires_at: until.toISOString() };
}

export async function listDeliveries(
  deps: WebhooksDeps,
  accountId: string,
  id: string,
  query: { limit?: number; cursor?: string; status?: Schemas['WebhookDeliveryStatus'] },
): Promise<ResponseBody<'listWebhookDeliveries'>> {
  const endpoint = await endpointOf(deps, accountId, id);
  const limit = query.limit ?? 50;
  const rows = await webhookRepository.deliveries(deps.pool, endpoint.id, limit + 1, {
    ...(query.cursor === undefined ? {} : { beforeEventId: decodeDeliveryCursor(query.cursor) }),
    ...(query.status === undefined ? {} : { status: query.status }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(deliveryJson), ...(rows.length > limit && last ? { next_cursor: encodeDeliveryCursor(last.event_id) } : {}) };
}

/**
 * Epoch ms of an RFC 3339 date-time as the contract's validator lets it through. Its fast format
 * check also passes what `Date.parse` refuses (a leap second `23:59:60`, day 31 of a 30-day month);
 * those count on from the month's start as `Date.UTC` does, rather than failing as a 500.
 */
export function instantOf(dateTime: string): number {
  const parsed = Date.parse(dateTime);
  if (!Number.isNaN(parsed)) return parsed;
  const match = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d+)?(?:[Zz]|([+-])(\d\d):?(\d\d)?)$/.exec(dateTime);
  if (!match) return 0;
  const [, y, mo, d, h, mi, sec, fraction, sign, oh, om] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Math.floor(Number(fraction ?? 0) * 1000));
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om ?? 0)) * 60_000 : 0;
  const instant = utc - offsetMs;
  return Number.isFinite(instant) ? instant : 0;
}

export async function replayWebhook(deps: WebhooksDeps, accountId: string, id: string, input: Schemas['WebhookReplayRequest']): Promise<{ replayed: number }> {
  const endpoint = await endpointOf(deps, accountId, id);
  const at = deps.clock.now();
  if ('event_id' in input) {
    if (!(await webhookRepository.eventOf(deps.pool, accountId, input.event_id))) throw webhookErrors.webhookEventNotFound(input.event_id);
    // Named by its owner: sent whatever the endpoint's types and filters say.
    const replayed = await webhookRepository.replay(deps.pool, endpoint, sql.fragment`o.event_id = ${input.event_id}`, { matching: false, limit: 1, at });
    return { replayed };
  }
  const since = sql.timestamp(new Date(instantOf(input.since)));
  const replayed = await webhookRepository.replay(deps.pool, endpoint, sql.fragment`o.created_at >= ${since}`, { matching: true, limit: MAX_REPLAY, at });
  return { replayed };
}
