import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { THREAD_TTL_SECONDS } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';
import { cleanPrefix, freePort, redisUrl, testPrefix } from '../helpers/redis.js';
import { storeContract } from './contract/index.js';

storeContract('redis', async (opts = {}) => {
  const url = await redisUrl();
  const prefix = testPrefix('store');
  const open: Store[] = [];
  const make = () => {
    const s = createRedisStore({ url, prefix, ...opts });
    open.push(s);
    return s;
  };
  return {
    store: make(),
    reopen: async () => make(),
    cleanup: async () => {
      for (const s of open) await s.close();
      await cleanPrefix(url, prefix);
    },
  };
});

describe('Redis store specifics', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    const url = await redisUrl();
    for (const p of prefixes) await cleanPrefix(url, p);
  });

  it('keeps every key under its prefix', async () => {
    const url = await redisUrl();
    const prefix = testPrefix('store-keys');
    prefixes.push(prefix);
    const store = createRedisStore({ url, prefix });
    await store.claim('a', 60);
    await store.setRecord('b', 1);
    await store.incr('c');
    await store.upsertSubscription({ id: 's', teamId: 'T', channelId: 'C', source: 'sentry', target: 'o/p', kinds: [], filters: {}, createdAt: 't' });
    await store.claimThread('T', 'C', 'k', 'o');
    await store.addDeadLetter({ id: 'd', source: 'sentry', reason: 'schema', createdAt: 't' });
    const keys = await store.client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(key.startsWith(prefix)).toBe(true);
    await store.close();
  });

  it('gives thread records and their ts index a sliding retention, refreshed by every update', async () => {
    const url = await redisUrl();
    const prefix = testPrefix('store-ttl');
    prefixes.push(prefix);
    const store = createRedisStore({ url, prefix });
    await store.claimThread('T', 'C', 'k', 'o');
    await store.updateThread('T', 'C', 'k', { ts: '1700000000.000100' });
    await store.client.expire(`${prefix}thread:T:C:k`, 100);
    await store.client.expire(`${prefix}thread-ts:T:C:1700000000.000100`, 100);
    await store.updateThread('T', 'C', 'k', { state: { status: 'resolved' } });
    for (const key of [`${prefix}thread:T:C:k`, `${prefix}thread-ts:T:C:1700000000.000100`]) {
      const ttl = await store.client.ttl(key);
      expect(ttl).toBeGreaterThan(THREAD_TTL_SECONDS - 60);
    }
    expect((await store.findThreadByTs('T', 'C', '1700000000.000100'))?.state).toEqual({ status: 'resolved' });
    await store.close();
  });

  it('rejects ping when Redis is unreachable', async () => {
    const port = await freePort();
    const errors: Error[] = [];
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, prefix: testPrefix('down'), onError: (e) => errors.push(e) });
    try {
      await expect(store.ping()).rejects.toThrow();
      await expect(store.claim('x', 10)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('uses a client it is given and leaves it open on close', async () => {
    const url = await redisUrl();
    const prefix = testPrefix('store-own');
    prefixes.push(prefix);
    const client = new Redis(url);
    try {
      const store = createRedisStore({ client, prefix });
      expect(await store.claim('k', 60)).toBe(true);
      await store.close();
      expect(await client.ping()).toBe('PONG');
      expect(await client.exists(`${prefix}claim:k`)).toBe(1);
      await expect(store.claim('k2', 60)).rejects.toThrow(/closed/);
    } finally {
      client.disconnect();
    }
  });
});
