/**
 * The delivery queue on Redis with BullMQ. Retries use a custom backoff so a `RetryableError`'s
 * `delayMs` (a Slack Retry-After) wins over the exponential default; deferrals move the job back to
 * delayed without counting an attempt.
 */

import { DelayedError, Queue as BullQueue, Worker, type Job } from 'bullmq';
import { createRedisClient, redisTarget, type RedisClient } from '../store/redis/client.js';
import { createInboxAdmission } from './inbox.js';
import { createInboxPump, type InboxPump } from './inbox-pump.js';
import { DeferError, RetryableError, type DeliveryJob, type JobContext, type JobHandler, type Queue, type QueueCounts } from './queue.js';
import { type QueueOptions, type WorkerOptions } from './queue.js';

export interface BullQueueOptions extends QueueOptions {
  /** How long a job's lock lives without renewal: a dead worker's job is taken again after this. Default 30 s. */
  lockDuration?: number;
  /** How often workers look for jobs whose lock expired. Default 30 s. */
  stalledInterval?: number;
  /** Lock expiries (crashes mid-run) tolerated before the job fails and is dead-lettered. Default 2. */
  maxStalledCount?: number;
  /** Background errors (Redis hiccups, a failing `onExhausted`); the queue keeps going. */
  onError?: (error: Error) => void;
}

export interface CreateBullQueueDeps {
  /** Any `REDIS_URL` form: one node, Sentinel or Cluster. */
  connection: { url: string };
  /**
   * Key prefix; keys are `<prefix>:<name>:…`. A trailing ':' is dropped. On a Cluster it must be a
   * hash tag (`{threadline:bull}`) so all of BullMQ's keys share a slot, as BullMQ requires.
   */
  prefix: string;
  name?: string;
  options?: BullQueueOptions;
  /**
   * The inbox on the webhook path (`inbox.ts`): `admit` claims and stores in one call, and a
   * started worker also runs the pump into BullMQ. `storePrefix` is the store's key prefix.
   */
  inbox?: { storePrefix: string };
}

export interface BullDeliveryQueue extends Queue {
  /** Drops the worker without waiting for jobs in flight, as a crashed process would (fault tests). */
  abandon(): Promise<void>;
}

const MAX_BACKOFF_MS = 60_000;
/** How long the (thread, seq) → job index lives: longer than a failed job is kept. */
const SEQ_INDEX_TTL_SECONDS = 8 * 24 * 3600;
/** How many jobs of each state `backlog()` looks at for the oldest (a scrape must stay cheap). */
const BACKLOG_SAMPLE = 500;
const STALLED_REASON = 'job stalled more than allowable limit';

/** BullMQ ids must not contain ':' nor be integers; the mapping is reversible so handlers see our id. */
const MAX_BATCH = 100;

export function toBullId(id: string): string {
  return `j${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

export function fromBullId(bullId: string): string {
  return bullId.slice(1).replace(/%3A/g, ':').replace(/%25/g, '%');
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function createBullQueue(deps: CreateBullQueueDeps): BullDeliveryQueue {
  const options = deps.options ?? {};
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 500;
  const onError = options.onError ?? (() => undefined);
  const name = deps.name ?? 'delivery';
  const prefix = deps.prefix.replace(/:$/, '');

  // Enqueue should fail fast (the webhook answers 5xx and the source retries); the worker waits out outages.
  const producerConnection = createRedisClient(deps.connection.url, { maxRetriesPerRequest: 3 });
  producerConnection.on('error', (err) => onError(err));
  const queue = new BullQueue<DeliveryJob>(name, { connection: producerConnection, prefix });
  queue.on('error', (err) => onError(err));

  // The webhook path's one call has a connection of its own that auto-pipelines: the admissions of
  // requests read in one turn of the event loop leave in one socket write, which was a fifth of
  // the web process's CPU per request. (BullMQ's own connections stay plain: BullMQ is not known to
  // work with auto-pipelining.)
  const admitConnection = deps.inbox
    ? createRedisClient(deps.connection.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true })
    : undefined;
  admitConnection?.on('error', (err) => onError(err));
  const admission = admitConnection && deps.inbox ? createInboxAdmission(admitConnection, deps.inbox.storePrefix) : undefined;
  let pump: InboxPump | undefined;
  // Under BullMQ's prefix (one hash tag), so the index and the jobs share a Cluster slot.
  const seqIndexKey = (threadKey: string, seq: number) => `${prefix}:${name}:seqjob:${threadKey}:${seq}`;

  let worker: Worker<DeliveryJob> | undefined;
  let workerConnection: RedisClient | undefined;
  const background = new Set<Promise<void>>();

  const exhaust = async (ctx: JobContext, error: Error) => {
    try {
      await options.onExhausted?.(ctx, error);
    } catch (err) {
      onError(asError(err));
    }
  };

  const backoffStrategy = (attemptsMade: number, _type?: string, err?: Error) => {
    if (err instanceof RetryableError && err.delayMs !== undefined) return Math.max(0, err.delayMs);
    return Math.min(backoffMs * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
  };

  const contextOf = (job: Job<DeliveryJob>): JobContext => ({
    id: fromBullId(job.id ?? ''),
    attempt: job.attemptsMade + 1,
    data: job.data,
  });

  const stopWorker = async (force: boolean) => {
    const p = pump;
    pump = undefined;
    if (p && force) p.abandon();
    else if (p) await p.stop();
    const w = worker;
    const conn = workerConnection;
    worker = undefined;
    workerConnection = undefined;
    if (!w) return;
    await w.close(force);
    if (!force) await Promise.all(background);
    conn?.disconnect();
  };

  // Webhooks that arrive together are stored with one addBulk (one round trip, one MULTI) instead
  // of one add each: under load this is most of the enqueue cost. Each caller still resolves only
  // once its job is stored, so the 200 still means "durable".
  let pending: { job: DeliveryJob; jobId: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  let flushScheduled = false;
  // Whether from the webhook path or the inbox pump, a job is indexed by (thread, seq) before it
  // is added: if the add then fails, the index names a job that is absent, which is the truth.
  const addMany = async (items: { job: DeliveryJob; jobId: string }[]) => {
    const index = producerConnection.pipeline();
    for (const b of items) {
      if (b.job.seq && b.job.event.threadKey)
        index.set(seqIndexKey(b.job.event.threadKey, b.job.seq), toBullId(b.jobId), 'EX', SEQ_INDEX_TTL_SECONDS);
    }
    const results = await index.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
    await queue.addBulk(
      items.map((b) => ({
        name: 'deliver',
        data: b.job,
        opts: {
          jobId: toBullId(b.jobId),
          attempts: maxAttempts,
          backoff: { type: 'custom' },
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  };
  function flush() {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    addMany(batch).then(
      () => batch.forEach((b) => b.resolve()),
      (err: unknown) => batch.forEach((b) => b.reject(asError(err))),
    );
  }

  return {
    kind: 'bullmq',

    enqueue(job, jobId) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ job, jobId, resolve, reject });
        if (pending.length >= MAX_BATCH) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },

    ...(admission ? { admit: admission.admit, inInbox: admission.holds, earlierInInbox: admission.holdsEarlier } : {}),

    start(handler: JobHandler, opts: WorkerOptions) {
      if (worker) throw new Error('queue worker already started');
      workerConnection = createRedisClient(deps.connection.url, { maxRetriesPerRequest: null });
      workerConnection.on('error', (err) => onError(err));

      const processor = async (job: Job<DeliveryJob>, token?: string) => {
        const ctx = contextOf(job);
        try {
          await handler(ctx);
        } catch (raw) {
          const err = asError(raw);
          if (err instanceof DeferError) {
            await job.moveToDelayed(Date.now() + Math.max(0, err.delayMs), token);
            throw new DelayedError();
          }
          // Dead-letter before BullMQ records the failure: a crash in between reruns the last attempt
          // rather than losing the dead letter.
          if (ctx.attempt >= (job.opts.attempts ?? maxAttempts)) await exhaust(ctx, err);
          throw err;
        }
      };

      const w = new Worker<DeliveryJob>(name, processor, {
        connection: workerConnection,
        prefix,
        concurrency: opts.concurrency,
        lockDuration: options.lockDuration ?? 30_000,
        stalledInterval: options.stalledInterval ?? 30_000,
        maxStalledCount: options.maxStalledCount ?? 2,
        settings: { backoffStrategy },
      });
      w.on('error', (err) => onError(err));
      if (deps.inbox) {
        pump = createInboxPump({
          connect: () => createRedisClient(deps.connection.url, { maxRetriesPerRequest: null }),
          cluster: redisTarget(deps.connection.url).kind === 'cluster',
          storePrefix: deps.inbox.storePrefix,
          add: addMany,
          claimIdleMs: options.lockDuration ?? 30_000,
          onError,
        });
        pump.start();
      }
      // A job that kept killing its worker is failed by the stall checker, not by our processor.
      w.on('failed', (job, err) => {
        if (!job || err.message !== STALLED_REASON) return;
        const p = exhaust(contextOf(job), err);
        background.add(p);
        void p.finally(() => background.delete(p));
      });
      worker = w;
    },

    stop: () => stopWorker(false),

    abandon: () => stopWorker(true),

    async counts(): Promise<QueueCounts> {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed', 'failed');
      // Jobs still in the inbox are waiting too: accepted, not yet moved into BullMQ.
      const inbox = admission ? await admission.length() : 0;
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0) + inbox,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      };
    },

    async seqJobState(threadKey, seq) {
      const bullId = await producerConnection.get(seqIndexKey(threadKey, seq));
      // Still in the inbox on its way to BullMQ: alive ("gone" means absent from both).
      if (!bullId) return (await admission?.holdsEarlier(threadKey, seq + 1)) ? 'pending' : 'absent';
      const state = await queue.getJobState(bullId);
      if (state === 'completed' || state === 'failed') return 'finished';
      return state === 'unknown' ? 'absent' : 'pending';
    },

    async backlog() {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed');
      const pending = Object.values(c).reduce((a, n) => a + n, 0);
      if (pending === 0) return { pending, oldestAt: null };
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed'], 0, BACKLOG_SAMPLE - 1, true);
      const times = jobs.filter(Boolean).map((j) => j.timestamp);
      return { pending, oldestAt: times.length ? Math.min(...times) : null };
    },

    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const c = await queue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed', 'waiting-children');
        if (Object.values(c).every((n) => n === 0) && (!admission || (await admission.length()) === 0)) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
    },

    async close() {
      await stopWorker(false);
      await queue.close();
      producerConnection.disconnect();
      admitConnection?.disconnect();
    },
  };
}
