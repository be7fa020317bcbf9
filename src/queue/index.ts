/**
 * Picks the delivery queue: BullMQ when there is Redis (any number of instances), else the SQLite
 * table next to the embedded store (one instance).
 */

import type BetterSqlite3 from 'better-sqlite3';
import { createBullQueue, type BullQueueOptions } from './bullmq.js';
import type { Queue } from './queue.js';
import type { SqliteClaims } from '../store/sqlite.js';
import { createSqliteQueue, type SqliteQueueOptions } from './sqlite.js';

export interface CreateQueueDeps {
  /** `storePrefix` turns on the inbox on the webhook path (`inbox.ts`). */
  redis?: { url: string; prefix: string; storePrefix?: string };
  /** Used when there is no Redis. Owned by the caller. */
  db?: BetterSqlite3.Database;
  /** The SQLite store's claim steps: ingest then claims and inserts in one transaction. */
  claims?: SqliteClaims;
  /** BullMQ queue name. Default `delivery`. */
  name?: string;
  options?: BullQueueOptions & SqliteQueueOptions;
}

/**
 * BullMQ's key prefix for a store prefix: one hash tag around it, so every BullMQ key of the queue
 * shares one Redis Cluster slot (BullMQ's scripts touch many keys at once).
 */
export function bullPrefix(storePrefix: string): string {
  return `{${storePrefix}bull}`;
}

export function createQueue(deps: CreateQueueDeps): Queue {
  if (deps.redis?.url) {
    return createBullQueue({
      connection: { url: deps.redis.url },
      prefix: deps.redis.prefix,
      name: deps.name,
      options: deps.options,
      ...(deps.redis.storePrefix === undefined ? {} : { inbox: { storePrefix: deps.redis.storePrefix } }),
    });
  }
  if (!deps.db) throw new Error('createQueue needs a Redis URL or an SQLite database');
  return createSqliteQueue({ db: deps.db, options: deps.options, ...(deps.claims ? { claims: deps.claims } : {}) });
}

export { createBullQueue, createSqliteQueue };
export type { BullQueueOptions, SqliteQueueOptions };
