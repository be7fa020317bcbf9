import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { cleanPrefix, freePort, redisUrl, testPrefix } from '../helpers/redis.js';
import { storeContract } from './contract.js';

storeContract('redis', async () => {
  const url = await redisUrl();
  const prefix = testPrefix('store');
  const open: Store[] = [];
  const make = () => {
    const s = createRedisStore({ url, prefix });
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
