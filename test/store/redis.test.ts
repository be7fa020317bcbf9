import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { THREAD_TTL_SECONDS } from '../../src/store/store.js';
import { cleanPrefix, freePort, redisUrl, testPrefix } from '../helpers/redis.js';
import { storeContract } from './contract/index.js';
import { harnessOf } from './contract/harness.js';

storeContract('redis', async (opts = {}) => {
  const url = await redisUrl();
  const prefix = testPrefix('store');
  return harnessOf(
    () => createRedisStore({ url, prefix, ...opts }),
    () => cleanPrefix(url, prefix),
  );
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
    await store.upsertSubscription({
      id: 's',
      teamId: 'T',
      channelId: 'C',
      source: 'sentry',
      target: 'o/p',
      kinds: [],
      filters: {},
      createdAt: 't',
    });
    await store.claimThread('T', 'C', 'k', 'o');
    await store.addDeadLetter({ id: 'd', source: 'sentry', reason: 'schema', createdAt: 't' });
    const keys = await store.client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(key.startsWith(prefix)).toBe(true);
    await store.close();
  });

  it('adopts dead letters kept before the caps into their pools, aged by their createdAt', async () => {
    const url = await redisUrl();
    const prefix = testPrefix('store-dl-legacy');
    prefixes.push(prefix);
    const client = new Redis(url);
    const day = 86_400_000;
    const legacy = [
      { id: 'old-webhook', source: 'sentry', reason: 'schema', body: '{"x":1}', createdAt: new Date(Date.now() - 40 * day).toISOString() },
      {
        id: 'fresh-delivery',
        source: 'delivery',
        reason: 'slack_5xx',
        teamId: 'T1',
        job: {},
        createdAt: new Date(Date.now() - day).toISOString(),
      },
      { id: 'fresh-webhook', source: 'sentry', reason: 'schema', body: '{}', createdAt: new Date(Date.now() - day).toISOString() },
    ];
    for (const [i, dl] of legacy.entries()) {
      await client.hset(`${prefix}dl`, dl.id, JSON.stringify(dl));
      await client.zadd(`${prefix}dl:ids`, i + 1, dl.id);
      if (dl.teamId) await client.zadd(`${prefix}dl:team:${dl.teamId}`, i + 1, dl.id);
    }
    await client.set(`${prefix}dl:seq`, '3');
    await client.quit();

    const store = createRedisStore({ url, prefix, deadLetters: { limits: { maxCount: 1 } } });
    expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['fresh-webhook', 'fresh-delivery']);
    expect(await store.getDeadLetter('old-webhook')).toBeNull();
    const stats = await store.deadLetterStats();
    expect(stats.delivery.count).toBe(1);
    expect(stats.rejected.count).toBe(1);
    // Adopted ones are capped like new ones.
    await store.addDeadLetter({
      id: 'new-webhook',
      source: 'sentry',
      reason: 'schema',
      body: '{"new":1}',
      createdAt: new Date().toISOString(),
    });
    expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['new-webhook', 'fresh-delivery']);
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
