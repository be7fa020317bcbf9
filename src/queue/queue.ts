/**
 * The delivery queue: BullMQ on Redis (`bullmq.ts`), a leased table in SQLite (`sqlite.ts`).
 * Both pass `test/queue/contract.ts`.
 */

import type { PipelineEvent } from '../events.js';
import type { AdmitClaims, AdmitResult } from './inbox.js';

export type { AdmitClaims, AdmitResult };

export interface DeliveryJob {
  event: PipelineEvent;
  /** Position of this event within its thread key (ingest order), for in-order delivery. */
  seq?: number;
  /** ms since epoch when the webhook was accepted (for the webhook → Slack histogram). */
  acceptedAt: number;
  /** Restrict delivery to one channel (a dead letter retried from App Home). */
  only?: { teamId: string; channelId: string };
  /** The first job's id, kept by a requeued dead letter so parts already posted are not posted again. */
  origin?: string;
}

export interface JobContext {
  id: string;
  /** 1 on the first run; deferrals do not count. */
  attempt: number;
  data: DeliveryJob;
}

/** Run the job again after `delayMs` without counting an attempt (e.g. waiting for an earlier event). */
export class DeferError extends Error {
  constructor(readonly delayMs: number) {
    super(`deferred ${delayMs}ms`);
    this.name = 'DeferError';
  }
}

/** A failure worth retrying; `delayMs` overrides the backoff (e.g. a Retry-After). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

export type JobHandler = (job: JobContext) => Promise<void>;

export interface QueueOptions {
  /** Attempts before `onExhausted` (counted failures, not deferrals). Default 8. */
  maxAttempts?: number;
  /** Exponential backoff base in ms. Default 500. */
  backoffMs?: number;
  /** Called once when a job has failed its last attempt (dead-letter it there). */
  onExhausted?: (job: JobContext, error: Error) => Promise<void>;
}

export interface WorkerOptions {
  concurrency: number;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * Where the job holding one sequence number of a thread is: still to run (waiting, deferred,
 * running, or held by a worker that died and whose lease has not run out), finished (done or
 * failed for good), or not in the queue at all (never stored, or pruned long after it finished).
 */
export type SeqJobState = 'pending' | 'finished' | 'absent';

export interface Backlog {
  /** Jobs waiting, deferred or running. */
  pending: number;
  /** When the oldest of them was enqueued (ms since epoch); null when there is none. */
  oldestAt: number | null;
}

export interface Queue {
  readonly kind: 'bullmq' | 'sqlite';
  /** Durably stores the job before resolving. A job id already queued or done is not added again. */
  enqueue(job: DeliveryJob, jobId: string): Promise<void>;
  /**
   * Claims a delivery (dedup, thread number) and stores its job in one atomic step, when the queue
   * can (Redis: the inbox). Without it, ingest claims in the store and then enqueues.
   */
  admit?(claims: AdmitClaims, job: DeliveryJob, jobId: string): Promise<AdmitResult>;
  /**
   * Whether a job accepted under `tag` (its `deliveryTag`) still waits in the inbox, on its way to
   * the queue: for the ordering gate, such a job is alive, not gone.
   */
  inInbox?(jobId: string, tag: string): Promise<boolean>;
  /** Whether an event of `threadKey` numbered below `seq` still waits in the inbox (alive, not gone). */
  earlierInInbox?(threadKey: string, seq: number): Promise<boolean>;
  /** Starts consuming in this process. */
  start(handler: JobHandler, opts: WorkerOptions): void;
  /** Stops taking jobs and waits for the ones in flight. */
  stop(): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Where the job of a thread's sequence number is (jobs are indexed by it as they are enqueued). */
  seqJobState(threadKey: string, seq: number): Promise<SeqJobState>;
  /** How much is waiting and since when (metrics, App Home). */
  backlog(): Promise<Backlog>;
  /** Resolves when nothing is waiting, delayed or active (tests and drains). */
  drained(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
