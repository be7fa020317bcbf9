/** The types and small helpers of one channel's delivery (`./threads.ts`). */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DeferError } from '../queue/queue.js';
import type { SourceDefinition } from '../sources/index.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
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
}

export interface ChannelJob {
  id: string;
  acceptedAt: number;
}

export type ChannelResult = 'posted' | 'replied' | 'updated';

export type Msg = { text: string; blocks?: unknown[]; reply_broadcast?: boolean };

/** An error after which Slack has certainly not posted (a timeout or a 5xx may have). */
export function notPosted(err: unknown): boolean {
  if (err instanceof DeferError) return true;
  return err instanceof SlackCallError && (err.kind !== 'transient' || err.code === 'ratelimited');
}

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
