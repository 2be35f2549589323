import { HttpClient } from './http.js';
import { resolveConfig, type ClientOptions, type Credentials } from './options.js';
import { ApiKeysResource, AuthResource, DevResource, LimitsResource } from './resources/auth.js';
import { FilesResource } from './resources/files.js';
import { SharesResource } from './resources/shares.js';
import { FoldersResource } from './resources/folders.js';
import { LifecycleResource } from './resources/lifecycle.js';
import { UploadsResource } from './resources/uploads.js';
import { BillingResource, UsageResource } from './resources/usage.js';
import { WebhooksResource } from './resources/webhooks.js';
import { verifyWebhook } from './webhooks/verify.js';
import type { SourcePlatform } from './upload/source.js';

/**
 * The Baketsu client. Resources mirror the API's tags:
 *
 * ```ts
 * const baketsu = new Baketsu({ baseUrl: 'https://api.baketsu.dev', apiKey: process.env.BAKETSU_API_KEY! });
 * const file = await baketsu.files.upload('./report.pdf', { onProgress: console.log });
 * ```
 */
export class Baketsu {
  readonly auth: AuthResource;
  readonly apiKeys: ApiKeysResource;
  readonly files: FilesResource;
  readonly shares: SharesResource;
  readonly folders: FoldersResource;
  readonly lifecycle: LifecycleResource;
  readonly uploads: UploadsResource;
  readonly usage: UsageResource;
  readonly limits: LimitsResource;
  readonly billing: BillingResource;
  readonly dev: DevResource;
  readonly webhooks: WebhooksResource;

  constructor(credentials: Credentials, options?: ClientOptions) {
    const http = new HttpClient(resolveConfig(credentials, options));
    this.auth = new AuthResource(http);
    this.apiKeys = new ApiKeysResource(http);
    this.uploads = new UploadsResource(http, (new.target as typeof Baketsu).platform);
    this.files = new FilesResource(http, this.uploads.uploader);
    this.shares = new SharesResource(http);
    this.folders = new FoldersResource(http);
    this.lifecycle = new LifecycleResource(http);
    this.usage = new UsageResource(http);
    this.limits = new LimitsResource(http);
    this.billing = new BillingResource(http);
    this.dev = new DevResource(http);
    this.webhooks = new WebhooksResource(http);
  }

  /**
   * For receivers, no client needed: `Baketsu.webhooks.verify(rawBody, headers, secret)` checks a
   * delivery's Standard Webhooks signature and timestamp and returns the event, or throws
   * `WebhookVerificationError`. Works in Node, browsers' workers and edge runtimes.
   */
  static readonly webhooks = { verify: verifyWebhook };

  /** What this runtime can read besides Blobs, bytes and streams (the Node entry adds file paths). */
  protected static platform: SourcePlatform = {};
}
