/**
 * The store and queue contracts on a real 3-master Redis Cluster: every Lua script and every
 * multi-key command must stay within one slot, or Redis answers CROSSSLOT here.
 */

import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullQueue } from '../../src/queue/bullmq.js';
import { bullPrefix } from '../../src/queue/index.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis.js';
import { dedupBodyKey, dedupKey, deliveryTag, seqKey } from '../../src/store/keys.js';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster.js';
import { testPrefix } from '../helpers/redis.js';
import { deliveryJob, queueContract, waitFor } from '../queue/contract.js';
import { storeContract } from './contract/index.js';
import { harnessOf } from './contract/harness.js';

let cluster: RedisCluster | undefined;
let starting: Promise<RedisCluster> | undefined;
const clusterUrl = async () => (await (starting ??= startRedisCluster(3).then((c) => (cluster = c)))).url;

beforeAll(async () => {
  await clusterUrl();
}, 120_000);
afterAll(() => cluster?.stop());

storeContract('redis cluster', async (opts = {}) => {
  const url = await clusterUrl();
  const prefix = testPrefix('cstore');
  // The cluster is thrown away after the file: closing is enough.
  return harnessOf(() => createRedisStore({ url, prefix, ...opts }));
});

queueContract('bullmq on redis cluster', async () => {
  const url = await clusterUrl();
  const prefix = bullPrefix(testPrefix('cqueue'));
  const name = `q-${randomUUID().slice(0, 8)}`;
  return {
    open: (options = {}) => {
      const { leaseMs, ...rest } = options;
      const short = leaseMs === undefined ? {} : { lockDuration: leaseMs, stalledInterval: Math.ceil(leaseMs / 2) };
      return createBullQueue({ connection: { url }, prefix, name, options: { ...short, ...rest } });
    },
  };
});

describe('Redis Cluster specifics', () => {
  it('spreads the delivery shards over the masters, and claims a delivery in one call', async () => {
    const store: RedisStore = createRedisStore({ url: await clusterUrl(), prefix: testPrefix('cshard') });
    try {
      const nodes = new Set<string>();
      for (let i = 0; i < 16; i++) {
        const threadKey = `sentry:issue:${i}`;
        const tag = deliveryTag(threadKey, 'sha');
        const res = await store.claimAndCount(
          dedupKey('sentry', `r${i}`, tag),
          60,
          seqKey(threadKey),
          dedupBodyKey('sentry', `sha${i}`, tag),
        );
        expect(res).toEqual({ claimed: true, seq: 1 });
        const slot = Number(await store.client.call('CLUSTER', 'KEYSLOT', seqKey(threadKey)));
        // redis-cli --cluster create splits the 16384 slots evenly over the 3 masters.
        nodes.add(String(slot < 5461 ? 0 : slot < 10923 ? 1 : 2));
      }
      expect(store.client).toBeInstanceOf(Cluster);
      expect(nodes.size).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });

  it('admits deliveries of every shard in one call each, and the pumps move them all into BullMQ', async () => {
    const url = await clusterUrl();
    const storePrefix = testPrefix('cinbox');
    const q = createBullQueue({ connection: { url }, prefix: bullPrefix(storePrefix), inbox: { storePrefix } });
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 48; i++) {
        const threadKey = `sentry:issue:${i % 16}`;
        const tag = deliveryTag(threadKey, `b${i}`);
        const claims = {
          tag,
          key: dedupKey('sentry', `r${i}`, tag),
          alias: dedupBodyKey('sentry', `b${i}`, tag),
          counter: seqKey(threadKey),
          ttlSeconds: 60,
        };
        expect(await q.admit!(claims, deliveryJob(i), `sentry-${i}`)).toEqual({ claimed: true, seq: Math.floor(i / 16) + 1 });
      }
      q.start(async (job) => void ids.add(job.id), { concurrency: 8 });
      await waitFor(() => ids.size === 48, 20_000);
      expect(await q.drained(10_000)).toBe(true);
    } finally {
      await q.close();
    }
  });
});
