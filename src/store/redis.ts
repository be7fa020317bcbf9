/**
 * `Store` on Redis (ioredis). Every key lives under `prefix`. The operations that must be atomic
 * under races are single commands (`SET NX`, `INCR`, `HSETNX`) or Lua scripts; nothing relies on
 * state held in this process, so any number of instances can share one Redis. Each repository is
 * its own file under `redis/`; this composes them into one object.
 */

import { createRedisConnections } from '../connections/redis.js';
import { createRedisSentryInstallations } from '../sources/sentry/installations-redis.js';
import type { DeadLetterStoreOptions, Store } from './store.js';
import { createRedisClient, type RedisClient } from './redis/client.js';
import { createRedisConn } from './redis/conn.js';
import { createRedisDeadLetters } from './redis/dead-letters.js';
import { createRedisKeyValue } from './redis/kv.js';
import { createRedisSlackInstallations } from './redis/slack-installations.js';
import { createRedisSubscriptions } from './redis/subscriptions.js';
import { createRedisThreads } from './redis/threads.js';

export interface RedisStoreOptions {
  /** Any `REDIS_URL` form: one node, Sentinel or Cluster. */
  url?: string;
  /** A client owned by the caller: the store never quits it. */
  client?: RedisClient;
  prefix: string;
  /** How long a call waits for a (re)connecting client before failing. */
  readyTimeoutMs?: number;
  pingTimeoutMs?: number;
  /** Connection errors (the client keeps reconnecting on its own). */
  onError?: (err: Error) => void;
  deadLetters?: DeadLetterStoreOptions;
}

export interface RedisStore extends Store {
  readonly kind: 'redis';
  readonly client: RedisClient;
  readonly prefix: string;
}

export function createRedisStore(opts: RedisStoreOptions): RedisStore {
  const owned = !opts.client;
  const client =
    opts.client ??
    createRedisClient(opts.url ?? 'redis://127.0.0.1:6379', {
      // Fail fast while Redis is down instead of queueing: /readyz must answer 503 promptly and
      // callers (ingest, workers) have their own retry paths.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      commandTimeout: 5000,
      // Commands issued in the same turn of the event loop (a worker runs 64 jobs at once) leave in
      // one write: socket writes were the largest share of the worker's CPU. (One node or Sentinel.)
      enableAutoPipelining: true,
    });
  if (owned) client.on('error', (err: Error) => opts.onError?.(err));
  const pingTimeoutMs = opts.pingTimeoutMs ?? 1000;
  const conn = createRedisConn(client, opts.prefix, opts.readyTimeoutMs ?? 2000);
  let closed = false;

  return {
    kind: 'redis',
    client,
    prefix: opts.prefix,
    ...createRedisKeyValue(conn),
    ...createRedisSubscriptions(conn),
    ...createRedisThreads(conn),
    ...createRedisSentryInstallations(conn),
    ...createRedisSlackInstallations(conn),
    ...createRedisConnections(conn),
    ...createRedisDeadLetters(conn, opts.deadLetters),

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${pingTimeoutMs}ms`)), pingTimeoutMs);
      });
      try {
        await Promise.race([conn.ready().then((r) => r.ping()), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      conn.markClosed();
      if (!owned) return;
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      }
    },
  };
}
