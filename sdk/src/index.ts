// @baketsu/sdk for browsers, edge runtimes and bundlers: fetch and web streams only.
export { Baketsu } from './client.js';
export * from './exports.js';
