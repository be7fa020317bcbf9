/**
 * The Redis connection every part of the Redis store shares: waits for a (re)connecting client
 * instead of queueing commands, and runs Lua scripts by sha with a fallback to their source.
 */

import { createHash } from 'node:crypto';
import type { RedisClient } from './client.js';

export interface Script {
  src: string;
  sha: string;
}

export function script(src: string): Script {
  return { src, sha: createHash('sha1').update(src).digest('hex') };
}

export function parse<T>(raw: string | null | undefined): T | null {
  return raw == null ? null : (JSON.parse(raw) as T);
}

export interface RedisConn {
  readonly client: RedisClient;
  /** Every key lives under this. */
  readonly prefix: string;
  /** The client once it can take commands. */
  ready(): Promise<RedisClient>;
  run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** Makes `ready()` fail from now on. */
  markClosed(): void;
}

export function createRedisConn(client: RedisClient, prefix: string, readyTimeoutMs: number): RedisConn {
  let closed = false;
  let waiting: Promise<RedisClient> | undefined;

  /** The offline queue is off, so we wait here instead. */
  function ready(): Promise<RedisClient> {
    if (closed) return Promise.reject(new Error('Redis store is closed'));
    if (client.status === 'ready' || client.options.enableOfflineQueue) return Promise.resolve(client);
    if (client.status === 'end') return Promise.reject(new Error('Redis connection has ended'));
    if (client.status === 'wait') client.connect().catch(() => undefined);
    waiting ??= new Promise<RedisClient>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('error', onFail);
        client.off('end', onEnd);
        waiting = undefined;
        if (err) reject(err);
        else resolve(client);
      };
      const onReady = () => done();
      const onFail = (err: Error) => done(new Error(`Redis unavailable: ${err.message}`));
      const onEnd = () => done(new Error('Redis connection has ended'));
      const timer = setTimeout(() => done(new Error(`Redis not ready within ${readyTimeoutMs}ms`)), readyTimeoutMs);
      client.on('ready', onReady);
      client.on('error', onFail);
      client.on('end', onEnd);
    });
    return waiting;
  }

  async function run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    const r = await ready();
    try {
      return await r.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return r.eval(s.src, keys.length, ...keys, ...args);
    }
  }

  return {
    client,
    prefix,
    ready,
    run,
    markClosed: () => {
      closed = true;
    },
  };
}
