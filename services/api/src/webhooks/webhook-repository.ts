// Webhook endpoints and their delivery log in PostgreSQL. Every statement an account makes names
// the account, so another account's endpoint or delivery is simply not found.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { endpointWants } from './endpoint-filters.js';
import { PARKED_UNTIL } from './sender.js';

export const endpointRow = z.object({
  id: z.string(),
  account_id: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  folder_id: z.string().nullable(),
  tag: z.string().nullable(),
  secret: z.string(),
  previous_secret: z.string().nullable(),
  previous_secret_expires_at: z.number().nullable(),
  failing_since: z.number().nullable(),
  disabled_at: z.number().nullable(),
  disabled_reason: z.string().nullable(),
  created_at: z.number(),
});
export type EndpointRow = z.infer<typeof endpointRow>;

export const deliveryRow = z.object({
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  next_attempt_at: z.number(),
  last_attempt_at: z.number().nullable(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  last_latency_ms: z.number().nullable(),
  delivered_at: z.number().nullable(),
  created_at: z.number(),
});
export type DeliveryRow = z.infer<typeof deliveryRow>;

export interface NewEndpoint {
  id: string;
  accountId: string;
  url: string;
  eventTypes: readonly string[];
  folderId: string | null;
  tag: string | null;
  secret: string;
  createdAt: Date;
}

const endpointColumns = sql.fragment`id, account_id, url, event_types, folder_id, tag, secret, previous_secret, previous_secret_expires_at,
  failing_since, disabled_at, disabled_reason, created_at`;
const deliveryColumns = sql.fragment`endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_status_code,
  last_error, last_latency_ms, delivered_at, created_at`;

export const webhookRepository = {
  countOf: (db: CommonQueryMethods, accountId: string) =>
    db.oneFirst(sql.type(z.object({ count: z.number() }))`select count(*)::int as count from webhook_endpoints where account_id = ${accountId}`),

  insert: (db: CommonQueryMethods, endpoint: NewEndpoint) =>
    db.one(sql.type(endpointRow)`
      insert into webhook_endpoints (id, account_id, url, event_types, folder_id, tag, secret, created_at)
      values (${endpoint.id}, ${endpoint.accountId}, ${endpoint.url}, ${sql.array([...endpoint.eventTypes], 'text')}, ${endpoint.folderId},
        ${endpoint.tag}, ${endpoint.secret}, ${sql.timestamp(endpoint.createdAt)})
      returning ${endpointColumns}`),

  find: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(endpointRow)`select ${endpointColumns} from webhook_endpoints where id = ${id} and account_id = ${accountId}`),

  list: (db: CommonQueryMethods, accountId: string, limit: number, after?: { createdAt: number; id: string }) =>
    db.any(sql.type(endpointRow)`
      select ${endpointColumns} from webhook_endpoints where account_id = ${accountId}
      ${after ? sql.fragment`and (created_at, id) > (${sql.timestamp(new Date(after.createdAt))}, ${after.id})` : sql.fragment``}
      order by created_at, id limit ${limit}`),

  update: (
    db: CommonQueryMethods,
    accountId: string,
    id: string,
    change: { url?: string; eventTypes?: readonly string[]; enabled?: boolean },
    at: Date,
  ) => {
    const sets = [sql.fragment`id = id`];
    if (change.url !== undefined) sets.push(sql.fragment`url = ${change.url}`);
    if (change.eventTypes !== undefined) sets.push(sql.fragment`event_types = ${sql.array([...change.eventTypes], 'text')}`);
    if (change.enabled === true) sets.push(sql.fragment`disabled_at = null, disabled_reason = null, failing_since = null`);
    if (change.enabled === false) {
      sets.push(sql.fragment`disabled_at = coalesce(disabled_at, ${sql.timestamp(at)}), disabled_reason = coalesce(disabled_reason, 'disabled by its owner')`);
    }
    return db.maybeOne(sql.type(endpointRow)`
      update webhook_endpoints set ${sql.join(sets, sql.fragment`, `)} where id = ${id} and account_id = ${accountId}
      returning ${endpointColumns}`);
  },

  /** The current secret becomes the previous one, signing until `previousUntil`. */
  rotate: (db: CommonQueryMethods, accountId: string, id: string, secret: string, previousUntil: Date) =>
    db.maybeOne(sql.type(endpointRow)`
      update webhook_endpoints set previous_secret = secret, previous_secret_expires_at = ${sql.timestamp(previousUntil)}, secret = ${secret}
      where id = ${id} and account_id = ${accountId}
      returning ${endpointColumns}`),

  async remove(db: CommonQueryMethods, accountId: string, id: string): Promise<boolean> {
    const removed = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      delete from webhook_endpoints where id = ${id} and account_id = ${accountId} returning id`);
    return removed.length === 1;
  },

  /** Newest event first (event ids are UUIDv7, so id order is time order). */
  deliveries: (db: CommonQueryMethods, endpointId: string, limit: number, options: { beforeEventId?: string; status?: string }) =>
    db.any(sql.type(deliveryRow)`
      select ${deliveryColumns} from webhook_deliveries where endpoint_id = ${endpointId}
      ${options.beforeEventId === undefined ? sql.fragment`` : sql.fragment`and event_id < ${options.beforeEventId}`}
      ${options.status === undefined ? sql.fragment`` : sql.fragment`and status = ${options.status}`}
      order by event_id desc limit ${limit}`),

  /**
   * Queues the outbox events chosen by `events` (a condition on outbox row `o`) for the endpoint
   * again, oldest first, keeping their ids, to be sent at `at`: a new delivery for an event it never
   * had, a fresh start (attempts from zero) for one it had. `matching`: only events of the endpoint's
   * types and filters. Returns how many.
   */
  async replay(
    db: CommonQueryMethods,
    endpoint: EndpointRow,
    events: FragmentSqlToken,
    options: { matching: boolean; limit: number; at: Date },
  ): Promise<number> {
    const at = sql.timestamp(options.at);
    // The same subject as fan-out reads from the event (fan-out.ts subjectOf).
    const wanted = options.matching
      ? endpointWants({
          type: sql.fragment`o.event_type`,
          movedFolderId: sql.fragment`(case when o.event_type like 'folder.%' then (o.event->'data'->>'folder_id')::uuid end)`,
          previousFolderId: sql.fragment`(case when o.event_type like 'folder.%' then o.event->'data'->'from'->>'parent_id'
            else o.event->'data'->'from'->>'folder_id' end)::uuid`,
        })
      : sql.fragment`true`;
    const rows = await db.anyFirst(sql.type(z.object({ event_id: z.string() }))`
      insert into webhook_deliveries (endpoint_id, event_id, account_id, event_type, status, attempts, next_attempt_at, event_created_at, created_at)
      select e.id, o.event_id, o.account_id, o.event_type, 'pending', 0,
        case when e.disabled_at is null then ${at} else ${PARKED_UNTIL} end, o.created_at, ${at}
      from outbox o
      join webhook_endpoints e on e.id = ${endpoint.id} and e.account_id = o.account_id
      left join files f on f.id = (o.event->'data'->>'file_id')::uuid
      where o.account_id = ${endpoint.account_id} and ${events} and ${wanted}
      order by o.account_id, o.position limit ${options.limit}
      on conflict (endpoint_id, event_id) do update set status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
        last_error = null
      returning event_id`);
    return rows.length;
  },

  /** The outbox event `eventId` if it is this account's. */
  eventOf: (db: CommonQueryMethods, accountId: string, eventId: string) =>
    db.maybeOne(sql.type(z.object({ event_id: z.string(), event_type: z.string() }))`
      select event_id, event_type from outbox where event_id = ${eventId} and account_id = ${accountId}`),
};
