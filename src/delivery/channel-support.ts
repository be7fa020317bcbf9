/** The types and small helpers of one channel's delivery (`./threads.ts`). */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DeferError } from '../queue/queue.js';
import type { SourceDefinition } from '../sources/index.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
import { runTokenKey } from '../store/keys.js';
import type { OwnPostFinder } from './own-post.js';
import type { Renderer } from './render.js';
import { SlackCallError } from './slack-errors.js';
import type { ThreadControlOf } from './thread-control.js';

export interface ChannelDeliveryDeps {
  store: KeyValue & ThreadRepo;
  metrics: Metrics;
  logger: Logger;
  render: Renderer;
  /** Minimum spacing of posts per channel (Slack allows about one per second). */
  channelIntervalMs: number;
  /** How long a later event waits in-process for a parent another job is posting. */
  parentWaitMs: number;
  /** Source definitions, for the echo rule (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  /** Looks for a message an earlier run may have posted (unset: a rerun posts again). */
  ownPosts?: OwnPostFinder;
  /** The channel's `--threads` and `--broadcast` settings (unset: threaded, nothing broadcast). */
  threadControl?: ThreadControlOf;
  /**
   * How long a post attempt may still be in flight: a later run of the job waits this long after
   * an attempt it cannot know ended (its process died, or lost its lock) before taking the part over.
   */
  attemptLiveMs?: number;
}

export interface ChannelJob {
  id: string;
  acceptedAt: number;
  /** This run's fencing token (`runTokenKey`); `deliver` takes one when the caller has none. */
  token?: number;
}

/** A job whose run holds its fencing token: what a post needs. */
export type FencedJob = ChannelJob & { token: number };

export type ChannelResult = 'posted' | 'replied' | 'updated';

export type Msg = { text: string; blocks?: unknown[]; reply_broadcast?: boolean };

/** An error after which Slack has certainly not posted (a timeout or a 5xx may have). */
export function notPosted(err: unknown): boolean {
  if (err instanceof DeferError) return true;
  return err instanceof SlackCallError && (err.kind !== 'transient' || err.code === 'ratelimited');
}

/** How long a job's run counter lives: as long as the post records it fences. */
const RUN_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** The next run's fencing token for a job: every run of it, in any process, gets a higher one. */
export function nextRunToken(store: Pick<KeyValue, 'incr'>, jobId: string): Promise<number> {
  return store.incr(runTokenKey(jobId), RUN_TOKEN_TTL_SECONDS);
}

/** `ms` give or take a fifth, so retries of many jobs do not come back at one instant. */
export const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries a store write for about half a minute (longer than a Redis restart) before giving up. */
export async function persist(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= 10) throw err;
      await sleep(Math.min(5000, 100 * 2 ** attempt));
    }
  }
}
