// @baketsu/sdk on Node: the same client, plus file paths as upload data (streamed by byte range).
import { Baketsu as BaseClient } from './client.js';
import { nodePlatform } from './upload/node-platform.js';

export class Baketsu extends BaseClient {
  protected static override platform = nodePlatform;
}

export * from './exports.js';
