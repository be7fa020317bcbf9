/**
 * One behaviour for both delivery queues: `bullmq.test.ts` and `sqlite.test.ts` run this suite
 * against a real Redis and a real SQLite file.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '../../src/events.js';
import { DeferError, RetryableError, type DeliveryJob, type JobContext, type Queue, type QueueOptions } from '../../src/queue/queue.js';

export interface ContractQueue extends Queue {
  /** Drops the instance without waiting for its jobs, like a crashed process. */
  abandon(): Promise<void>;
}

export interface OpenOptions extends QueueOptions {
  /** How long a dead worker's claim blocks its job (BullMQ lockDuration, SQLite lease). */
  leaseMs?: number;
  /** Background errors; the happy paths below expect none. */
  onError?: (error: Error) => void;
}

/** One store (a Redis queue name, an SQLite file); every `open` is a separate instance on it. */
export interface QueueStore {
  open(options?: OpenOptions): ContractQueue;
}

export function deliveryJob(n: number): DeliveryJob {
  const at = 1_700_000_000_000 + n;
  const event = {
    id: `evt-${n}`,
    type: 'sentry.issue.created',
    source: 'sentry',
    kind: 'issue',
    subject: { kind: 'sentry.issue', id: String(n) },
    threadKey: `sentry:issue:${n}`,
    routing: { org: 'acme', project: 'web', groupId: String(n) },
    time: new Date(at).toISOString(),
    receivedAt: new Date(at + 5).toISOString(),
    actor: null,
    title: `TypeError in checkout #${n}`,
    links: [{ label: 'Open in Sentry', url: `https://acme.sentry.io/issues/${n}/` }],
    filters: { level: 'error', environment: 'production' },
    state: { issueId: String(n), title: `TypeError in checkout #${n}`, status: 'unresolved' },
    detail: { action: 'created' },
  } satisfies Event<'sentry.issue.created'>;
  return { event, seq: n, acceptedAt: at };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await sleep(10);
  }
}

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

export function queueContract(name: string, newStore: () => Promise<QueueStore>): void {
  describe(`${name} queue contract`, () => {
    const opened: ContractQueue[] = [];
    const gates: Gate[] = [];

    async function setup(options?: OpenOptions) {
      const store = await newStore();
      const open = (o: OpenOptions | undefined = options) => {
        const q = store.open(o);
        opened.push(q);
        return q;
      };
      return { store, open, q: open() };
    }

    function newGate(): Gate {
      const g = gate();
      gates.push(g);
      return g;
    }

    afterEach(async () => {
      for (const g of gates.splice(0)) g.open();
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });

    it('hands the enqueued data to a handler with attempt 1, keeping ids with ":" intact', async () => {
      const { q } = await setup();
      const seen: JobContext[] = [];
      q.start(async (job) => void seen.push(job), { concurrency: 2 });
      await q.enqueue(deliveryJob(1), 'sentry:evt-1:C1');
      await q.enqueue(deliveryJob(2), '12345');
      await waitFor(() => seen.length === 2);
      expect(await q.drained(5000)).toBe(true);
      const byId = new Map(seen.map((j) => [j.id, j]));
      expect(byId.get('sentry:evt-1:C1')).toEqual({ id: 'sentry:evt-1:C1', attempt: 1, data: deliveryJob(1) });
      expect(byId.get('12345')).toEqual({ id: '12345', attempt: 1, data: deliveryJob(2) });
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('runs a job id once, whether enqueued twice while queued or again after it ran', async () => {
      const { q } = await setup();
      await q.enqueue(deliveryJob(1), 'dup:1');
      await q.enqueue(deliveryJob(2), 'dup:1');
      expect((await q.counts()).waiting).toBe(1);
      const seen: JobContext[] = [];
      q.start(async (job) => void seen.push(job), { concurrency: 4 });
      await waitFor(() => seen.length === 1);
      expect(await q.drained(5000)).toBe(true);
      await q.enqueue(deliveryJob(3), 'dup:1');
      await q.enqueue(deliveryJob(4), 'other:1');
      await waitFor(() => seen.some((j) => j.id === 'other:1'));
      expect(await q.drained(5000)).toBe(true);
      expect(seen.map((j) => [j.id, j.data.seq])).toEqual([
        ['dup:1', 1],
        ['other:1', 4],
      ]);
    });

    it('delivers in enqueue order with concurrency 1', async () => {
      const { q } = await setup();
      const ids = Array.from({ length: 20 }, (_, i) => `order:${i}`);
      for (const [i, id] of ids.entries()) await q.enqueue(deliveryJob(i), id);
      const seen: string[] = [];
      q.start(async (job) => void seen.push(job.id), { concurrency: 1 });
      await waitFor(() => seen.length === ids.length);
      expect(seen).toEqual(ids);
    });

    it('retries a thrown error with the attempt number going up', async () => {
      const exhausted: JobContext[] = [];
      const errors: Error[] = [];
      const { q } = await setup({
        maxAttempts: 5,
        backoffMs: 10,
        onExhausted: async (job) => void exhausted.push(job),
        onError: (err) => void errors.push(err),
      });
      const attempts: number[] = [];
      q.start(
        async (job) => {
          attempts.push(job.attempt);
          if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
        },
        { concurrency: 1 },
      );
      await q.enqueue(deliveryJob(1), 'retry:1');
      await waitFor(() => attempts.length === 3);
      expect(await q.drained(5000)).toBe(true);
      expect(attempts).toEqual([1, 2, 3]);
      expect(exhausted).toEqual([]);
      expect(errors).toEqual([]);
      expect((await q.counts()).failed).toBe(0);
    });

    it('retries a RetryableError after its delayMs instead of the backoff', async () => {
      // A one-minute backoff would outlast the test: the retry only comes in time if delayMs wins.
      const { q } = await setup({ maxAttempts: 3, backoffMs: 60_000 });
      const runs: { attempt: number; at: number }[] = [];
      q.start(
        async (job) => {
          runs.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt === 1) throw new RetryableError('rate limited', 150);
        },
        { concurrency: 1 },
      );
      await q.enqueue(deliveryJob(1), 'retry-after:1');
      await waitFor(() => runs.length === 2);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
      // Not before the requested delay (a lower bound only).
      expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(150);
      expect(await q.drained(5000)).toBe(true);
    });

    it('does not count a DeferError as an attempt', async () => {
      const exhausted: JobContext[] = [];
      const errors: Error[] = [];
      const { q } = await setup({
        maxAttempts: 1,
        backoffMs: 10,
        onExhausted: async (job) => void exhausted.push(job),
        onError: (err) => void errors.push(err),
      });
      const attempts: number[] = [];
      q.start(
        async (job) => {
          attempts.push(job.attempt);
          if (attempts.length <= 3) throw new DeferError(20);
        },
        { concurrency: 1 },
      );
      await q.enqueue(deliveryJob(1), 'defer:1');
      await waitFor(() => attempts.length === 4);
      expect(await q.drained(5000)).toBe(true);
      expect(attempts).toEqual([1, 1, 1, 1]);
      expect(exhausted).toEqual([]);
      expect(errors).toEqual([]);
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('calls onExhausted exactly once after maxAttempts failures', async () => {
      const exhausted: { job: JobContext; error: Error }[] = [];
      const { q } = await setup({
        maxAttempts: 3,
        backoffMs: 10,
        onExhausted: async (job, error) => void exhausted.push({ job, error }),
      });
      const attempts: string[] = [];
      q.start(
        async (job) => {
          attempts.push(`${job.id}#${job.attempt}`);
          if (job.id === 'bad:1') throw new Error(`boom ${job.attempt}`);
          throw new RetryableError(`slack 5xx ${job.attempt}`, 5);
        },
        { concurrency: 2 },
      );
      await q.enqueue(deliveryJob(1), 'bad:1');
      await q.enqueue(deliveryJob(2), 'bad:2');
      await waitFor(() => exhausted.length === 2);
      expect(await q.drained(5000)).toBe(true);
      await sleep(100);
      expect(exhausted).toHaveLength(2);
      const byId = new Map(exhausted.map((e) => [e.job.id, e]));
      expect(byId.get('bad:1')?.job).toEqual({ id: 'bad:1', attempt: 3, data: deliveryJob(1) });
      expect(byId.get('bad:1')?.error.message).toBe('boom 3');
      expect(byId.get('bad:2')?.error.message).toBe('slack 5xx 3');
      expect(attempts.sort()).toEqual(['bad:1#1', 'bad:1#2', 'bad:1#3', 'bad:2#1', 'bad:2#2', 'bad:2#3']);
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 2 });
    });

    it('runs a job again when its worker died mid-run', async () => {
      const { open } = await setup({ leaseMs: 1000 });
      const a = open();
      const hang = newGate();
      let aStarted = 0;
      a.start(
        async () => {
          aStarted += 1;
          await hang.promise;
        },
        { concurrency: 1 },
      );
      await a.enqueue(deliveryJob(7), 'crash:7');
      await waitFor(() => aStarted === 1);
      await a.abandon();

      const b = open();
      const seen: JobContext[] = [];
      b.start(async (job) => void seen.push(job), { concurrency: 1 });
      await waitFor(() => seen.length === 1, 15_000);
      expect(seen[0].id).toBe('crash:7');
      expect(seen[0].data).toEqual(deliveryJob(7));
      expect(await b.drained(5000)).toBe(true);
      expect(aStarted).toBe(1);
    });

    it('stop() waits for the job in flight and takes no new ones', async () => {
      const { q } = await setup();
      const release = newGate();
      const events: string[] = [];
      q.start(
        async (job) => {
          events.push(`start ${job.id}`);
          await release.promise;
          events.push(`end ${job.id}`);
        },
        { concurrency: 1 },
      );
      await q.enqueue(deliveryJob(1), 'stop:1');
      await waitFor(() => events.length === 1);
      let stopped = false;
      const stopping = q.stop().then(() => (stopped = true));
      await sleep(150);
      expect(stopped).toBe(false);
      release.open();
      await stopping;
      expect(events).toEqual(['start stop:1', 'end stop:1']);

      await q.enqueue(deliveryJob(2), 'stop:2');
      await sleep(200);
      expect(events).toHaveLength(2);
      expect((await q.counts()).waiting).toBe(1);
    });

    it('drained() is false while a job is in flight and true once it is done', async () => {
      const { q } = await setup();
      expect(await q.drained(1000)).toBe(true);
      const release = newGate();
      let started = false;
      q.start(
        async () => {
          started = true;
          await release.promise;
        },
        { concurrency: 1 },
      );
      await q.enqueue(deliveryJob(1), 'drain:1');
      await waitFor(() => started);
      expect(await q.drained(200)).toBe(false);
      expect((await q.counts()).active).toBe(1);
      release.open();
      expect(await q.drained(5000)).toBe(true);
    });

    it('keeps queued jobs across close and reopen', async () => {
      const { open } = await setup();
      const first = open();
      for (let i = 0; i < 3; i++) await first.enqueue(deliveryJob(i), `persist:${i}`);
      await first.close();

      const second = open();
      expect((await second.counts()).waiting).toBe(3);
      const seen: JobContext[] = [];
      second.start(async (job) => void seen.push(job), { concurrency: 1 });
      await waitFor(() => seen.length === 3);
      expect(seen.map((j) => [j.id, j.data])).toEqual([0, 1, 2].map((i) => [`persist:${i}`, deliveryJob(i)]));
    });

    it("tells whether a thread's sequence number is still to run, finished, or absent", async () => {
      const { open } = await setup({ maxAttempts: 1, backoffMs: 10 });
      const a = open();
      const b = open();
      expect(await b.seqJobState('sentry:issue:5', 5)).toBe('absent');
      await a.enqueue(deliveryJob(5), 'seq:5');
      await a.enqueue(deliveryJob(6), 'seq:6');
      // Another instance (process) sees the waiting job.
      expect(await b.seqJobState('sentry:issue:5', 5)).toBe('pending');
      expect(await b.seqJobState('sentry:issue:5', 4)).toBe('absent');
      const hang = newGate();
      const started: string[] = [];
      let deferred = 0;
      a.start(
        async (job) => {
          started.push(job.id);
          if (job.id === 'seq:5' && deferred++ === 0) throw new DeferError(50);
          if (job.id === 'seq:5') await hang.promise;
          if (job.id === 'seq:6') throw new Error('for good');
        },
        { concurrency: 2 },
      );
      await waitFor(() => started.filter((id) => id === 'seq:5').length === 2);
      // Deferred, then running: still to run.
      expect(await b.seqJobState('sentry:issue:5', 5)).toBe('pending');
      hang.open();
      await waitFor(() => started.includes('seq:6'));
      expect(await a.drained(5000)).toBe(true);
      expect(await b.seqJobState('sentry:issue:5', 5)).toBe('finished');
      expect(await b.seqJobState('sentry:issue:6', 6)).toBe('finished');
    });

    it('reports the backlog and when its oldest job was enqueued', async () => {
      const { q } = await setup();
      expect(await q.backlog()).toEqual({ pending: 0, oldestAt: null });
      const before = Date.now();
      await q.enqueue(deliveryJob(1), 'b:1');
      const stored = Date.now();
      await sleep(20);
      await q.enqueue(deliveryJob(2), 'b:2');
      const b = await q.backlog();
      expect(b.pending).toBe(2);
      expect(b.oldestAt).toBeGreaterThanOrEqual(before - 5);
      expect(b.oldestAt).toBeLessThanOrEqual(stored);
      q.start(async () => undefined, { concurrency: 2 });
      expect(await q.drained(5000)).toBe(true);
      expect(await q.backlog()).toEqual({ pending: 0, oldestAt: null });
    });

    it('two instances on one store handle each of 200 jobs exactly once', async () => {
      const { open } = await setup();
      const a = open();
      const b = open();
      for (let i = 0; i < 200; i++) await (i % 2 ? a : b).enqueue(deliveryJob(i), `many:${i}`);
      const handled = new Map<string, string[]>();
      const running = new Set<string>();
      let overlaps = 0;
      const handler = (who: string) => async (job: JobContext) => {
        if (running.has(job.id)) overlaps += 1;
        running.add(job.id);
        handled.set(job.id, [...(handled.get(job.id) ?? []), who]);
        await sleep(2);
        running.delete(job.id);
      };
      a.start(handler('a'), { concurrency: 4 });
      b.start(handler('b'), { concurrency: 4 });
      await waitFor(() => handled.size === 200, 15_000);
      expect(await a.drained(5000)).toBe(true);
      expect(await b.drained(5000)).toBe(true);
      await sleep(100);
      expect(overlaps).toBe(0);
      expect([...handled.values()].filter((who) => who.length !== 1)).toEqual([]);
      const byA = [...handled.values()].filter((who) => who[0] === 'a').length;
      expect(byA).toBeGreaterThan(0);
      expect(byA).toBeLessThan(200);
    });
  });
}
