/**
 * A message to every process of one deployment: Redis pub/sub on a channel under the store's
 * prefix, so deployments sharing a Redis never hear each other. Used to drop what processes cache
 * from the store when it changes. The embedded store serves one process, so there the message only
 * reaches this process's own handlers.
 *
 * Pub/sub delivers at most once, and nothing while a subscriber is reconnecting: after every
 * (re)connect the handlers are told `undefined`, meaning "messages may have been missed, drop
 * everything".
 */

import { Cluster } from 'ioredis';
import type { RedisClient } from './store/redis/client.js';

export interface Broadcast {
  publish(message: string): Promise<void>;
  /** Runs for every message, this process's own included; `undefined` when some may have been missed. */
  subscribe(handler: (message: string | undefined) => void): void;
  close(): Promise<void>;
}

export interface BroadcastLogger {
  warn(obj: object, msg: string): void;
}

/** The store's Redis client (its options, Sentinel or Cluster ones included, are reused) and prefix. */
export interface BroadcastRedis {
  client: RedisClient;
  prefix: string;
}

export function createBroadcast(name: string, redis: BroadcastRedis | undefined, logger?: BroadcastLogger): Broadcast {
  const handlers: Array<(message: string | undefined) => void> = [];
  const tell = (message: string | undefined) => {
    for (const h of handlers) h(message);
  };
  if (!redis) {
    return {
      publish: async (message) => tell(message),
      subscribe: (h) => void handlers.push(h),
      close: async () => undefined,
    };
  }
  const { client, prefix } = redis;
  const channel = `${prefix}broadcast:${name}`;
  let subscriber: RedisClient | undefined;
  let closed = false;

  function listen(): void {
    if (subscriber || closed) return;
    // A subscribed connection takes no other commands: its own, retrying forever in the background.
    const sub: RedisClient =
      client instanceof Cluster
        ? client.duplicate()
        : client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
    subscriber = sub;
    sub.on('error', () => undefined); // reconnects on its own; 'ready' below drops the caches after
    sub.on('ready', () => tell(undefined));
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) tell(message);
    });
    sub.subscribe(channel).catch(() => undefined); // resubscribed on reconnect (autoResubscribe)
  }

  return {
    async publish(message) {
      tell(message);
      try {
        await client.publish(channel, message);
      } catch (err) {
        // Other processes keep their entry until it expires on its own (a short while).
        logger?.warn({ channel, err: (err as Error).message }, 'could not broadcast a change to other processes');
      }
    },
    subscribe(h) {
      handlers.push(h);
      listen();
    },
    async close() {
      closed = true;
      const sub = subscriber;
      subscriber = undefined;
      if (sub) await sub.quit().catch(() => sub.disconnect());
    },
  };
}
