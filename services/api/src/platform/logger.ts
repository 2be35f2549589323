import { createLogger as createProcessLogger, type Logger } from '@baketsu/platform/logger';
import { currentRequestId } from './request-logging.js';

export type { Logger } from '@baketsu/platform/logger';

/** The API's logger: whatever logs while a request is handled, the line says which request it was. */
export function createLogger(level: string, destination: number | string = 1): Logger {
  return createProcessLogger(level, {
    service: 'api',
    destination,
    mixin: () => {
      const reqId = currentRequestId();
      return reqId === undefined ? {} : { reqId };
    },
  });
}
