import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBullQueue, fromBullId, toBullId, type BullDeliveryQueue, type BullQueueOptions } from '../../src/queue/bullmq.js';
import type { JobContext } from '../../src/queue/queue.js';
import { cleanPrefix, redisUrl, testPrefix } from '../helpers/redis.js';
import { deliveryJob, gate, queueContract, waitFor, type Gate } from './contract.js';

const prefix = testPrefix('queue');

afterAll(async () => cleanPrefix(await redisUrl(), prefix));

function openQueue(url: string, name: string, options: BullQueueOptions & { leaseMs?: number } = {}): BullDeliveryQueue {
  const { leaseMs, ...rest } = options;
  const short = leaseMs === undefined ? {} : { lockDuration: leaseMs, stalledInterval: Math.ceil(leaseMs / 2) };
  return createBullQueue({ connection: { url }, prefix, name, options: { ...short, ...rest } });
}

queueContract('bullmq', async () => {
  const url = await redisUrl();
  const name = `q-${randomUUID().slice(0, 8)}`;
  return { open: (options) => openQueue(url, name, options) };
});

describe('BullMQ queue specifics', () => {
  const queues: BullDeliveryQueue[] = [];
  const gates: Gate[] = [];
  afterEach(async () => {
    for (const g of gates.splice(0)) g.open();
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('maps any job id to a BullMQ-safe id and back', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const bull = toBullId(id);
        expect(bull).not.toContain(':');
        expect(Number.isInteger(Number(bull)) && bull.trim() !== '').toBe(false);
        expect(fromBullId(bull)).toBe(id);
      }),
    );
  });

  it('keeps every key under the prefix', async () => {
    const url = await redisUrl();
    const q = openQueue(url, 'keys');
    queues.push(q);
    const id = `sentry:${randomUUID()}:C1`;
    await q.enqueue(deliveryJob(1), id);
    const client = new Redis(url);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `*${toBullId(id)}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k.startsWith(prefix)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('dead-letters a job that stalled more often than maxStalledCount', async () => {
    const url = await redisUrl();
    const name = `stall-${randomUUID().slice(0, 8)}`;
    const exhausted: { job: JobContext; error: Error }[] = [];
    const options = {
      leaseMs: 600,
      maxStalledCount: 0,
      onExhausted: async (job: JobContext, error: Error) => void exhausted.push({ job, error }),
    };
    const a = openQueue(url, name, options);
    queues.push(a);
    const hang = gate();
    gates.push(hang);
    let runs = 0;
    a.start(
      async () => {
        runs += 1;
        await hang.promise;
      },
      { concurrency: 1 },
    );
    await a.enqueue(deliveryJob(5), 'poison:5');
    await waitFor(() => runs === 1);
    await a.abandon();

    const b = openQueue(url, name, options);
    queues.push(b);
    b.start(async () => void (runs += 1), { concurrency: 1 });
    await waitFor(() => exhausted.length === 1, 15_000);
    expect(runs).toBe(1);
    expect(exhausted[0].job).toEqual({ id: 'poison:5', attempt: 1, data: deliveryJob(5) });
    expect(exhausted[0].error.message).toMatch(/stalled/);
    expect((await b.counts()).failed).toBe(1);
  });
});
