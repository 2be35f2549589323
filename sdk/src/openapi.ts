// @baketsu/sdk/openapi: the API's generated types (`paths`, `components`, `operations`).
export type * from './generated/openapi.js';
