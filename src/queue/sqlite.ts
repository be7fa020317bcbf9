/**
 * The delivery queue as a leased table in SQLite (the embedded mode). A worker claims jobs with one
 * UPDATE … RETURNING, which SQLite serializes across connections and processes, and holds a lease it
 * renews while the handler runs; a job whose lease ran out (its worker died) is claimed again.
 *
 * `attempts` counts started runs: a claim adds one, a deferral gives it back. A run whose worker died
 * therefore counts, so a job that keeps killing its worker ends dead-lettered instead of looping.
 */

import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteClaims } from '../store/sqlite.js';
import type { AdmitClaims, AdmitResult } from './inbox.js';
import { prepareJobStatements } from './sqlite-statements.js';
import { DeferError, RetryableError, type DeliveryJob, type JobContext, type JobHandler, type Queue, type QueueCounts } from './queue.js';
import { type QueueOptions } from './queue.js';

export interface SqliteQueueOptions extends QueueOptions {
  /** How long a claim lasts without renewal: a dead worker's job runs again after this. Default 30 s. */
  leaseMs?: number;
  /** Idle poll interval. Default 50 ms. */
  pollMs?: number;
  /** Background errors (a busy database, a failing `onExhausted`); the queue keeps going. */
  onError?: (error: Error) => void;
}

export interface CreateSqliteQueueDeps {
  /** Owned by the caller (opened with WAL, closed after `close()`). */
  db: BetterSqlite3.Database;
  /** The store's dedup claim in synchronous steps (same database): gives the queue `admit`. */
  claims?: SqliteClaims;
  options?: SqliteQueueOptions;
}

export interface SqliteDeliveryQueue extends Queue {
  /** Stops polling and lease renewal without waiting, as a crashed process would (fault tests). */
  abandon(): Promise<void>;
}

interface ClaimedRow {
  id: string;
  data: string;
  attempts: number;
}

interface Running {
  id: string;
  owner: string;
  done: Promise<void>;
}

const MAX_BACKOFF_MS = 60_000;
const DONE_KEEP_MS = 3600_000;
const FAILED_KEEP_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 60_000;

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function createSqliteQueue(deps: CreateSqliteQueueDeps): SqliteDeliveryQueue {
  const { db } = deps;
  const options = deps.options ?? {};
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const onError = options.onError ?? (() => undefined);

  const { insert, seqStatus, backlogRow, claim, renew, finish, reschedule, fail, prune, countOf, countReady } = prepareJobStatements(db);

  let handler: JobHandler | undefined;
  let concurrency = 1;
  let running = false;
  let abandoned = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  const inFlight = new Set<Running>();

  const schedule = (delay: number) => {
    if (!running) return;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(tick, delay);
    pollTimer.unref();
  };

  const exhaust = async (ctx: JobContext, error: Error) => {
    try {
      await options.onExhausted?.(ctx, error);
    } catch (err) {
      onError(asError(err));
    }
  };

  // Every outcome is written only if we still hold the lease: a run that lost it changes nothing.
  const settle = async (row: ClaimedRow, owner: string, ctx: JobContext, work: () => Promise<void>) => {
    try {
      await work();
      if (!abandoned) finish.run(Date.now(), row.id, owner);
    } catch (raw) {
      if (abandoned) return;
      const err = asError(raw);
      if (err instanceof DeferError) {
        reschedule.run(Date.now() + Math.max(0, err.delayMs), 1, null, row.id, owner);
        return;
      }
      const message = err.message || err.name;
      if (row.attempts >= maxAttempts) {
        await exhaust(ctx, err);
        if (!abandoned) fail.run(message, Date.now(), row.id, owner);
        return;
      }
      const delay =
        err instanceof RetryableError && err.delayMs !== undefined
          ? Math.max(0, err.delayMs)
          : Math.min(backoffMs * 2 ** (row.attempts - 1), MAX_BACKOFF_MS);
      reschedule.run(Date.now() + delay, 0, message, row.id, owner);
    }
  };

  const run = (row: ClaimedRow, owner: string) => {
    const ctx: JobContext = { id: row.id, attempt: row.attempts, data: JSON.parse(row.data) as DeliveryJob };
    const current = handler;
    const work =
      row.attempts > maxAttempts
        ? // The last attempt's worker died mid-run: dead-letter it without running it again.
          () => Promise.reject(new Error('worker stopped during the last attempt (lease expired)'))
        : () => current!(ctx);
    if (row.attempts > maxAttempts) ctx.attempt = row.attempts - 1;
    const entry: Running = { id: row.id, owner, done: Promise.resolve() };
    entry.done = settle(row, owner, ctx, work)
      .catch((err: unknown) => onError(asError(err)))
      .finally(() => {
        inFlight.delete(entry);
        schedule(0);
      });
    inFlight.add(entry);
  };

  const tick = () => {
    pollTimer = undefined;
    if (!running) return;
    if (!db.open) {
      running = false;
      return;
    }
    const free = concurrency - inFlight.size;
    if (free <= 0) return; // a finishing job schedules the next tick
    try {
      const now = Date.now();
      if (now - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now;
        prune.run('done', now - DONE_KEEP_MS);
        prune.run('failed', now - FAILED_KEEP_MS);
      }
      const owner = randomUUID();
      const rows = claim.all({ now, until: now + leaseMs, owner, limit: free }) as ClaimedRow[];
      for (const row of rows) run(row, owner);
    } catch (err) {
      onError(asError(err));
    }
    if (inFlight.size < concurrency) schedule(pollMs);
  };

  const renewLeases = () => {
    if (!db.open) return;
    const until = Date.now() + leaseMs;
    for (const r of inFlight) {
      try {
        renew.run(until, r.id, r.owner);
      } catch (err) {
        onError(asError(err));
      }
    }
  };

  const halt = () => {
    running = false;
    clearTimeout(pollTimer);
    pollTimer = undefined;
  };

  const stop = async () => {
    halt();
    await Promise.all([...inFlight].map((r) => r.done));
    clearInterval(renewTimer);
    renewTimer = undefined;
  };

  const counts = async (): Promise<QueueCounts> => {
    const now = Date.now();
    const of = (status: string) => (countOf.get(status) as { n: number }).n;
    const waiting = (countReady.get(now) as { n: number }).n;
    return { waiting, delayed: of('waiting') - waiting, active: of('active'), failed: of('failed') };
  };

  // Claim, number and insert in one IMMEDIATE transaction: a crash leaves all or nothing, so a
  // claim never stands without its job.
  const claims = deps.claims;
  const admitTx = claims
    ? db.transaction((c: AdmitClaims, job: DeliveryJob, jobId: string): AdmitResult => {
        const res = claims.claimAndCount(c.key, c.ttlSeconds, c.counter, c.alias);
        // A pending claim is one an earlier version left without its job: store the job now.
        if (res.claimed || ('pending' in res && res.pending)) {
          const now = Date.now();
          const stored = res.seq === undefined ? job : { ...job, seq: res.seq };
          // Indexed by (thread, seq) like an enqueued job, for the ordering gate's "is it gone?".
          insert.run(jobId, JSON.stringify(stored), now, now, stored.seq ? (stored.event.threadKey ?? null) : null, stored.seq ?? null);
          claims.confirm(c.key, c.ttlSeconds);
          if (res.claimed && c.alias) claims.confirm(c.alias, c.ttlSeconds);
        }
        return res.seq === undefined ? { claimed: res.claimed } : { claimed: res.claimed, seq: res.seq };
      })
    : undefined;

  return {
    kind: 'sqlite',

    ...(admitTx
      ? {
          async admit(c: AdmitClaims, job: DeliveryJob, jobId: string) {
            const res = admitTx.immediate(c, job, jobId);
            if (running && inFlight.size < concurrency) schedule(0);
            return res;
          },
        }
      : {}),

    async enqueue(job, jobId) {
      const now = Date.now();
      insert.run(jobId, JSON.stringify(job), now, now, job.seq ? (job.event.threadKey ?? null) : null, job.seq ?? null);
      if (running && inFlight.size < concurrency) schedule(0);
    },

    start(h, opts) {
      if (running) throw new Error('queue worker already started');
      handler = h;
      concurrency = Math.max(1, opts.concurrency);
      running = true;
      abandoned = false;
      clearInterval(renewTimer);
      renewTimer = setInterval(renewLeases, Math.max(10, Math.floor(leaseMs / 3)));
      renewTimer.unref();
      schedule(0);
    },

    stop,

    async abandon() {
      abandoned = true;
      halt();
      inFlight.clear();
      clearInterval(renewTimer);
      renewTimer = undefined;
    },

    counts,

    async seqJobState(threadKey, seq) {
      const statuses = (seqStatus.all(threadKey, seq) as { status: string }[]).map((r) => r.status);
      if (statuses.some((st) => st === 'waiting' || st === 'active')) return 'pending';
      return statuses.length ? 'finished' : 'absent';
    },

    async backlog() {
      const row = backlogRow.get() as { n: number; oldest: number | null };
      return { pending: row.n, oldestAt: row.oldest ?? null };
    },

    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const c = await counts();
        if (c.waiting + c.active + c.delayed === 0) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
    },

    close: stop,
  };
}
