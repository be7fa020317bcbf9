/**
 * The delivery queue as the service runs it: BullMQ on the configured Redis (with the inbox on the
 * webhook path), or the table in the embedded store's SQLite file; attempts, backoff and the lease
 * from the config, with the overrides tests pass.
 */

import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { createStore } from '../store/index.js';
import { bullPrefix, createQueue } from './index.js';
import type { JobContext, Queue } from './queue.js';

/** Test overrides of the queue's timings (`ComposeOptions.queueOptions`). */
export interface QueueTuning {
  maxAttempts?: number;
  backoffMs?: number;
  leaseMs?: number;
  pollMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export function createQueueFromConfig(deps: {
  config: Config;
  store: ReturnType<typeof createStore>;
  logger: Logger;
  tuning?: QueueTuning;
  /** A job that failed every attempt (the delivery handler dead-letters it). */
  onExhausted: (job: JobContext, err: Error) => Promise<void>;
}): Queue {
  const { config, store, tuning } = deps;
  return createQueue({
    redis: config.redisUrl ? { url: config.redisUrl, prefix: bullPrefix(config.redisPrefix), storePrefix: config.redisPrefix } : undefined,
    // The embedded queue keeps its table in the store's own SQLite file.
    db: 'db' in store ? store.db : undefined,
    claims: 'db' in store ? store.claimsInTx : undefined,
    options: {
      maxAttempts: tuning?.maxAttempts ?? 8,
      backoffMs: tuning?.backoffMs ?? 500,
      onExhausted: deps.onExhausted,
      lockDuration: tuning?.lockDurationMs ?? config.queueLeaseMs,
      stalledInterval: tuning?.stalledIntervalMs ?? config.queueLeaseMs,
      leaseMs: tuning?.leaseMs ?? config.queueLeaseMs,
      pollMs: tuning?.pollMs,
      onError: (err) => deps.logger.warn({ err: err.message }, 'queue background error'),
    },
  });
}
