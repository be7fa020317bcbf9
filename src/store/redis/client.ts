/**
 * The one place that makes ioredis clients, for the store and for BullMQ, from any `REDIS_URL`
 * form (`target.ts`): a plain client for one node or a Sentinel-watched master, the Cluster
 * client for a Cluster.
 */

import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisTarget } from './target.js';

export type RedisClient = Redis | Cluster;

/** Per-connection options (timeouts, retries, offline queue), the same on every kind. */
export type ClientOptions = Pick<
  RedisOptions,
  | 'maxRetriesPerRequest'
  | 'enableOfflineQueue'
  | 'connectTimeout'
  | 'commandTimeout'
  | 'lazyConnect'
  | 'enableReadyCheck'
  | 'enableAutoPipelining'
>;

export function redisTarget(urlOrTarget: string | RedisTarget): RedisTarget {
  return typeof urlOrTarget === 'string' ? parseRedisUrl(urlOrTarget) : urlOrTarget;
}

/** The options ioredis needs for a Sentinel-watched master (exported for the parsing tests). */
export function sentinelOptions(target: Extract<RedisTarget, { kind: 'sentinel' }>, opts: ClientOptions = {}): RedisOptions {
  return {
    ...opts,
    sentinels: target.sentinels,
    name: target.name,
    db: target.db,
    // One password for the master and the sentinels: the URL has room for one.
    ...(target.password === undefined ? {} : { password: target.password, sentinelPassword: target.password }),
    ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
  };
}

export function createRedisClient(urlOrTarget: string | RedisTarget, opts: ClientOptions = {}): RedisClient {
  const target = redisTarget(urlOrTarget);
  switch (target.kind) {
    case 'node':
      return new Redis(target.url, opts);
    case 'sentinel':
      return new Redis(sentinelOptions(target, opts));
    case 'cluster': {
      // No auto-pipelining on a Cluster: ioredis routes an auto-pipelined EVALSHA by its first
      // argument, the script's sha, not by its keys, so it would reach the wrong node.
      const { enableOfflineQueue, lazyConnect, enableReadyCheck, enableAutoPipelining: _ignored, ...perNode } = opts;
      return new Cluster(target.nodes, {
        ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
        ...(lazyConnect === undefined ? {} : { lazyConnect }),
        ...(enableReadyCheck === undefined ? {} : { enableReadyCheck }),
        // Cluster retries MOVED/ASK and reconnects itself; per-node options go to every node.
        redisOptions: {
          ...perNode,
          ...(target.password === undefined ? {} : { password: target.password }),
          ...(target.tls ? { tls: {} } : {}),
        },
      });
    }
  }
}
