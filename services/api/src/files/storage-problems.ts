// Storage outages reach clients as a 503 problem with Retry-After rather than a bare 500; the
// refusals callers act on (ObjectStoreError) pass through unchanged.
import type { Logger } from '#src/platform/logger.js';
import { errors } from '#src/platform/errors.js';
import { ObjectStoreError, type ObjectStore } from '#src/storage/object-store.js';

export function withStorageProblems(store: ObjectStore, logger: Logger): ObjectStore {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(store, args);
      } catch (error) {
        if (error instanceof ObjectStoreError || error instanceof RangeError) throw error;
        logger.error({ err: error, operation: name }, 'object store call failed');
        throw errors.storageUnavailable();
      }
    };
  }
  return wrapped as unknown as ObjectStore;
}
