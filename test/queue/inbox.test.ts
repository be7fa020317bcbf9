/**
 * The inbox on the webhook path against a real Redis: one call claims, numbers and stores; the
 * pump moves entries into BullMQ; an entry a dead pump held is taken over and queued once.
 */

import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBullQueue, type BullDeliveryQueue } from '../../src/queue/bullmq.js';
import { inboxKeys } from '../../src/queue/inbox.js';
import { INBOX_GROUP } from '../../src/queue/inbox-pump.js';
import { bullPrefix } from '../../src/queue/index.js';
import { dedupBodyKey, dedupKey, deliveryTag, inboxKey, seqKey } from '../../src/store/keys.js';
import { cleanPrefix, redisUrl, testPrefix } from '../helpers/redis.js';
import { deliveryJob, waitFor } from './contract.js';

const prefixes: string[] = [];
const queues: BullDeliveryQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});
afterAll(async () => {
  const url = await redisUrl();
  for (const p of prefixes) await cleanPrefix(url, p);
});

async function open(storePrefix?: string, leaseMs = 30_000) {
  const url = await redisUrl();
  const prefix = storePrefix ?? testPrefix('inbox');
  if (!storePrefix) prefixes.push(prefix);
  const q = createBullQueue({
    connection: { url },
    prefix: bullPrefix(prefix),
    inbox: { storePrefix: prefix },
    options: { lockDuration: leaseMs, stalledInterval: leaseMs },
  });
  queues.push(q);
  return { q, prefix, url };
}

function claims(n: number, body = `sha-${n}`) {
  const threadKey = `sentry:issue:${n % 3}`;
  const tag = deliveryTag(threadKey, body);
  return {
    tag,
    key: dedupKey('sentry', `r${n}`, tag),
    alias: dedupBodyKey('sentry', body, tag),
    counter: seqKey(threadKey),
    ttlSeconds: 60,
  };
}

describe('inbox', () => {
  it('claims, numbers and stores in one call; a retry or a relabelled copy is a duplicate', async () => {
    const { q } = await open();
    const job = deliveryJob(1);
    expect(await q.admit!(claims(1), job, 'sentry-1')).toEqual({ claimed: true, seq: 1 });
    expect(await q.admit!(claims(1), job, 'sentry-1')).toEqual({ claimed: false, seq: 1 });
    // Same body under a new delivery id: the body claim holds it.
    expect((await q.admit!({ ...claims(4, 'sha-1') }, job, 'sentry-4')).claimed).toBe(false);
    expect(await q.admit!(claims(4), deliveryJob(4), 'sentry-4')).toEqual({ claimed: true, seq: 2 });
    // Not moved yet (no worker): waiting in the inbox, and counted as waiting.
    expect((await q.counts()).waiting).toBe(2);
    expect(await q.inInbox!('sentry-1', claims(1).tag)).toBe(true);
    // sentry:issue:1 holds seq 1 (delivery 1) and seq 2 (delivery 4).
    expect(await q.earlierInInbox!('sentry:issue:1', 2)).toBe(true);
    expect(await q.earlierInInbox!('sentry:issue:1', 1)).toBe(false);
    expect(await q.earlierInInbox!('sentry:issue:2', 9)).toBe(false);
    expect(await q.drained(50)).toBe(false);
  });

  it('moves entries into BullMQ with their thread number, and empties the inbox', async () => {
    const { q } = await open();
    const seen: { id: string; seq?: number }[] = [];
    for (let n = 0; n < 30; n++) await q.admit!(claims(n), deliveryJob(n), `sentry-${n}`);
    q.start(async (job) => void seen.push({ id: job.id, seq: job.data.seq }), { concurrency: 4 });
    await waitFor(() => seen.length === 30);
    expect(await q.drained(10_000)).toBe(true);
    expect(new Set(seen.map((s) => s.id)).size).toBe(30);
    // Thread n % 3 numbers its events 1, 2, 3… in admission order.
    for (let n = 0; n < 30; n++) expect(seen.find((s) => s.id === `sentry-${n}`)?.seq).toBe(Math.floor(n / 3) + 1);
    expect(await q.inInbox!('sentry-0', claims(0).tag)).toBe(false);
  });

  it('takes over entries a dead pump read and never acked, and queues each once even if it had added them', async () => {
    const { q, prefix, url } = await open(undefined, 600);
    for (let n = 0; n < 12; n++) await q.admit!(claims(n), deliveryJob(n), `sentry-${n}`);
    // A pump that read every shard, added half of the jobs to BullMQ, and died before its XACK.
    const r = new Redis(url);
    try {
      for (const key of inboxKeys(prefix)) {
        await r.xgroup('CREATE', key, INBOX_GROUP, '0', 'MKSTREAM').catch(() => undefined);
        await r.call('XREADGROUP', 'GROUP', INBOX_GROUP, 'dead-pump', 'COUNT', 100, 'STREAMS', key, '>');
      }
      const pending = await r.xpending(`${prefix}${inboxKey(claims(0).tag)}`, INBOX_GROUP);
      expect(Number(pending[0])).toBeGreaterThan(0);
    } finally {
      r.disconnect();
    }
    for (let n = 0; n < 12; n += 2) await q.enqueue(deliveryJob(n), `sentry-${n}`);
    const runs = new Map<string, number>();
    q.start(async (job) => void runs.set(job.id, (runs.get(job.id) ?? 0) + 1), { concurrency: 4 });
    await waitFor(() => runs.size === 12, 15_000);
    expect(await q.drained(15_000)).toBe(true);
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
    expect(runs.size).toBe(12);
  });

  it('deletes entries a pump acked but died before deleting, so the backlog drains to 0', async () => {
    const { q, prefix, url } = await open(undefined, 600);
    for (let n = 0; n < 6; n++) await q.admit!(claims(n), deliveryJob(n), `sentry-${n}`);
    // An earlier version's pump read every shard, added the jobs, acked them, and died before its XDEL.
    const r = new Redis(url);
    try {
      for (const key of inboxKeys(prefix)) {
        await r.xgroup('CREATE', key, INBOX_GROUP, '0', 'MKSTREAM').catch(() => undefined);
        const read = (await r.call('XREADGROUP', 'GROUP', INBOX_GROUP, 'dead-pump', 'COUNT', 100, 'STREAMS', key, '>')) as
          [string, [string, string[]][]][] | null;
        const ids = (read ?? []).flatMap(([, entries]) => entries.map(([id]) => id));
        if (ids.length) await r.xack(key, INBOX_GROUP, ...ids);
      }
    } finally {
      r.disconnect();
    }
    for (let n = 0; n < 6; n++) await q.enqueue(deliveryJob(n), `sentry-${n}`);
    expect((await q.counts()).waiting).toBeGreaterThanOrEqual(6);
    const runs = new Map<string, number>();
    q.start(async (job) => void runs.set(job.id, (runs.get(job.id) ?? 0) + 1), { concurrency: 4 });
    await waitFor(() => runs.size === 6, 15_000);
    expect(await q.drained(15_000)).toBe(true);
    expect(await q.inInbox!('sentry-0', claims(0).tag)).toBe(false);
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
  });

  it('stores a job for a claim an earlier version left pending, once', async () => {
    const { q, prefix, url } = await open();
    const c = claims(7);
    const r = new Redis(url);
    try {
      await r.set(`${prefix}claim:${c.key}`, 'p:5', 'EX', 60);
    } finally {
      r.disconnect();
    }
    expect(await q.admit!(c, deliveryJob(7), 'sentry-7')).toEqual({ claimed: false, seq: 5 });
    expect(await q.admit!(c, deliveryJob(7), 'sentry-7')).toEqual({ claimed: false, seq: 5 });
    expect((await q.counts()).waiting).toBe(1);
  });
});

it('keeps one id per job across a cold start of the pump (no group yet, entries already there)', async () => {
  const { q } = await open();
  await q.admit!(claims(100), deliveryJob(100), 'sentry-100');
  const ids: string[] = [];
  q.start(async (job) => void ids.push(job.id), { concurrency: 1 });
  await waitFor(() => ids.length === 1);
  expect(ids).toEqual(['sentry-100']);
});
