// Webhook endpoints as the dashboard's pages need them, through the SDK: the endpoints page's
// actions (create with the secret shown once, rotate, delete, turn back on) and the delivery log's
// (replay one event, or everything since a time).
import { NotFoundError, type Baketsu, type Webhook, type WebhookCreateParams, type WebhookEventType } from '@baketsu/sdk';
import { data } from '@remix-run/node';
import { formErrorsFrom, type FormErrors } from './problems.server.js';
import { EVENT_TYPES } from './webhook-events.js';

const KNOWN = new Set<string>(EVENT_TYPES.map(([type]) => type));

export type WebhookActionResult = { ok: boolean; intent?: string; secret?: string; url?: string; replayed?: number; errors?: FormErrors };

/**
 * The create form → the API's body (the folder by its path, as people know it, made an id with the
 * `folderId` the caller looked up); an empty choice of events is the form's own error.
 */
export function parseCreateForm(form: FormData): { params: Omit<WebhookCreateParams, 'folder_id'>; folderPath?: string } | { errors: FormErrors } {
  const eventTypes = form.getAll('event_types').map(String).filter((type): type is WebhookEventType => KNOWN.has(type));
  if (eventTypes.length === 0) return { errors: { fields: { event_types: 'Choose at least one event' } } };
  const folderPath = String(form.get('folder') ?? '').trim().replace(/^\/+|\/+$/g, '');
  const tag = String(form.get('tag') ?? '').trim();
  return {
    params: { url: String(form.get('url') ?? '').trim(), event_types: eventTypes, ...(tag ? { tag } : {}) },
    ...(folderPath ? { folderPath } : {}),
  };
}

const noStore = (headers: Headers) => ({ ...Object.fromEntries(headers), 'Cache-Control': 'no-store' });

/** Every endpoint of the account, across pages: an installation may allow up to 1,000 (WEBHOOK_MAX_ENDPOINTS). */
export async function listAllEndpoints(api: Baketsu): Promise<Webhook[]> {
  const endpoints: Webhook[] = [];
  for await (const endpoint of api.webhooks.list({ limit: 200 })) endpoints.push(endpoint);
  return endpoints;
}

/** Runs one form's intent against the API; a 4xx problem becomes the form's errors. */
export async function webhookAction(api: Baketsu, form: FormData, headers: Headers) {
  const intent = String(form.get('intent') ?? '');
  const id = String(form.get('id') ?? '');
  try {
    switch (intent) {
      case 'create': {
        const parsed = parseCreateForm(form);
        if ('errors' in parsed) return data<WebhookActionResult>({ ok: false, intent, errors: parsed.errors }, { status: 400, headers });
        const folderId = parsed.folderPath === undefined ? undefined : (await api.folders.getByPath(parsed.folderPath)).id;
        const created = await api.webhooks.create({ ...parsed.params, ...(folderId === undefined ? {} : { folder_id: folderId }) });
        // The only time the secret leaves the server: straight into this one response.
        return data<WebhookActionResult>({ ok: true, intent, secret: created.secret, url: created.url }, { headers: noStore(headers) });
      }
      case 'rotate': {
        const rotated = await api.webhooks.rotateSecret(id);
        return data<WebhookActionResult>({ ok: true, intent, secret: rotated.secret }, { headers: noStore(headers) });
      }
      case 'delete':
        await api.webhooks.delete(id);
        return data<WebhookActionResult>({ ok: true, intent }, { headers });
      case 'enable':
        await api.webhooks.update(id, { enabled: true });
        return data<WebhookActionResult>({ ok: true, intent }, { headers });
      case 'replay-event': {
        const { replayed } = await api.webhooks.replay(id, { event_id: String(form.get('event_id') ?? '') });
        return data<WebhookActionResult>({ ok: true, intent, replayed }, { headers });
      }
      case 'replay-since': {
        const hours = Number(form.get('hours') ?? '24');
        const since = new Date(Date.now() - (Number.isFinite(hours) ? hours : 24) * 3_600_000).toISOString();
        const { replayed } = await api.webhooks.replay(id, { since });
        return data<WebhookActionResult>({ ok: true, intent, replayed }, { headers });
      }
      default:
        return data<WebhookActionResult>({ ok: false, intent, errors: { fields: {}, form: 'Unknown action' } }, { status: 400, headers });
    }
  } catch (error) {
    if (error instanceof NotFoundError && error.code === 'folder_not_found') {
      return data<WebhookActionResult>({ ok: false, intent, errors: { fields: { folder: 'There is no such folder' } } }, { status: 400, headers });
    }
    return data<WebhookActionResult>({ ok: false, intent, errors: formErrorsFrom(error) }, { status: 400, headers });
  }
}
