/**
 * Picks the store: Redis when a URL is configured (any number of instances), else the embedded
 * SQLite file in `dataDir` (one instance only).
 */

import { createRedisStore, type RedisStore } from './redis.js';
import { createSqliteStore, type SqliteStore } from './sqlite.js';

import type { DeadLetterStoreOptions } from './store.js';

export type { Store } from './store.js';
export type { RedisStore } from './redis.js';
export type { SqliteStore } from './sqlite.js';

export interface CreateStoreOptions {
  redisUrl?: string;
  dataDir: string;
  /** Redis key prefix. */
  prefix?: string;
  onError?: (err: Error) => void;
  deadLetters?: DeadLetterStoreOptions;
}

export const DEFAULT_REDIS_PREFIX = 'threadline:';

export function createStore(opts: CreateStoreOptions): RedisStore | SqliteStore {
  if (opts.redisUrl) {
    return createRedisStore({
      url: opts.redisUrl,
      prefix: opts.prefix ?? DEFAULT_REDIS_PREFIX,
      onError: opts.onError,
      deadLetters: opts.deadLetters,
    });
  }
  return createSqliteStore({ dataDir: opts.dataDir, deadLetters: opts.deadLetters });
}
