import type { DatabasePool } from 'slonik';
import type { PasswordHasher } from '#src/auth/credentials.js';
import type { Clock } from '@baketsu/platform/clock';
import type { Config } from '#src/platform/config.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import type { SharePasswordRateLimit } from './share-password-rate-limit.js';

export interface SharesDeps {
  pool: DatabasePool;
  store: ObjectStore;
  clock: Clock;
  config: Pick<Config, 'DASHBOARD_URL' | 'SHARE_DOWNLOAD_TTL_SECONDS'>;
  passwords: PasswordHasher;
  passwordRateLimit: SharePasswordRateLimit;
}
