import type { APIPromise } from '../api-promise.js';
import { encodeId, type HttpClient } from '../http.js';
import type { RequestOptions } from '../options.js';
import type {
  Webhook,
  WebhookCreateParams,
  WebhookDeliveriesParams,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookListParams,
  WebhookPage,
  WebhookReplay,
  WebhookReplayParams,
  WebhookSecret,
  WebhookSecretRotationParams,
  WebhookUpdateParams,
  WebhookWithSecret,
} from '../types.js';
import { Listing } from './listing.js';

export type WebhookListing = Listing<WebhookPage, Webhook>;
export type WebhookDeliveryListing = Listing<WebhookDeliveryPage, WebhookDelivery>;

/**
 * `webhooks` tag: endpoints that hear about the account's events, signed as Standard Webhooks says.
 * Receivers check a delivery with the static `Baketsu.webhooks.verify(payload, headers, secret)`.
 */
export class WebhooksResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Registers an endpoint for some event types, optionally only for files in a folder or with a tag.
   * The answer's `secret` (`whsec_…`) is shown this once: keep it where the receiver can read it.
   * A URL that resolves to a private address where the server forbids it is a `ValidationError`
   * (`webhook_url_not_allowed`).
   */
  create(params: WebhookCreateParams, options?: RequestOptions): APIPromise<WebhookWithSecret> {
    return this.http.request({ method: 'POST', path: '/v1/webhooks', body: params, options });
  }

  /** The account's endpoints, oldest first (iterate with `for await`), without their secrets. */
  list(params: WebhookListParams = {}, options?: RequestOptions): WebhookListing {
    const { cursor: start, ...rest } = params;
    return new Listing<WebhookPage, Webhook>((cursor) =>
      this.http.request<WebhookPage>({ method: 'GET', path: '/v1/webhooks', query: { ...rest, cursor: cursor ?? start }, options }),
    );
  }

  /** One endpoint, with its state (`status`, `failing_since`, `disabled_reason`). */
  get(id: string, options?: RequestOptions): APIPromise<Webhook> {
    return this.http.request({ method: 'GET', path: `/v1/webhooks/${encodeId(id)}`, options });
  }

  /** Changes the URL or event types, or turns the endpoint off and on again (`enabled`). */
  update(id: string, params: WebhookUpdateParams, options?: RequestOptions): APIPromise<Webhook> {
    return this.http.request({ method: 'PATCH', path: `/v1/webhooks/${encodeId(id)}`, body: params, options });
  }

  /** Nothing more is sent to the endpoint; its delivery log goes with it. */
  delete(id: string, options?: RequestOptions): APIPromise<void> {
    return this.http.request({ method: 'DELETE', path: `/v1/webhooks/${encodeId(id)}`, options });
  }

  /**
   * A new signing secret (shown once). The old one keeps signing beside it for `overlap_seconds`
   * (24 hours by default), so receivers can switch without missing a delivery.
   */
  rotateSecret(id: string, params: Partial<WebhookSecretRotationParams> = {}, options?: RequestOptions): APIPromise<WebhookSecret> {
    return this.http.request({ method: 'POST', path: `/v1/webhooks/${encodeId(id)}/rotate-secret`, body: params, options });
  }

  /** The endpoint's delivery log, newest event first: status, attempts, last response code, latency. */
  deliveries(id: string, params: WebhookDeliveriesParams = {}, options?: RequestOptions): WebhookDeliveryListing {
    const { cursor: start, ...rest } = params;
    return new Listing<WebhookDeliveryPage, WebhookDelivery>((cursor) =>
      this.http.request<WebhookDeliveryPage>({
        method: 'GET',
        path: `/v1/webhooks/${encodeId(id)}/deliveries`,
        query: { ...rest, cursor: cursor ?? start },
        options,
      }),
    );
  }

  /**
   * Sends events again with their original ids: one (`{ event_id }`) or every event the endpoint
   * wants since a time (`{ since }`, at most 10,000 a call). Answers how many were queued.
   */
  replay(id: string, params: WebhookReplayParams, options?: RequestOptions): APIPromise<WebhookReplay> {
    return this.http.request({ method: 'POST', path: `/v1/webhooks/${encodeId(id)}/replay`, body: params, options });
  }
}
