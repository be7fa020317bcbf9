/**
 * `--new-thread-after=<days>`: a regression that comes that long after the resolve starts a new
 * thread in the channel. The thread key then gains a generation number (`<key>#<n>`), so CONTRACT's
 * one-parent rule holds per (channel, thread key, generation); the new thread's first reply links
 * the previous one. The resolve's time is when the thread's `status` last changed (a regression
 * follows a resolve), so no source's states are named here.
 */

import type { PipelineEvent } from '../events.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
import { threadGenerationKey } from '../store/keys.js';
import type { ThreadControl } from './thread-control.js';

const DAY_MS = 24 * 3600_000;
/** As long as a thread may live quiet: a generation forgotten sooner would post into an old thread. */
const GENERATION_TTL = 400 * 24 * 3600;

export interface Generation {
  gen: number;
  /** The previous generation's parent ts, for the new thread's link reply. */
  previousTs?: string;
}

export const generationKey = (threadKey: string, gen: number) => (gen > 0 ? `${threadKey}#${gen}` : threadKey);

export interface ThreadGeneration {
  /** The key the event threads under in this channel. */
  key: string;
  /** Set when this key's thread follows an earlier one: the earlier parent's ts. */
  previousTs?: string;
}

/** The thread's current generation in the channel (read beside the channel's settings, see threads.ts). */
export async function readGeneration(
  store: Pick<KeyValue, 'getRecord'>,
  teamId: string,
  channelId: string,
  threadKey: string,
): Promise<Generation> {
  return (await store.getRecord<Generation>(threadGenerationKey(teamId, channelId, threadKey))) ?? { gen: 0 };
}

/** `current`: the generation `readGeneration` found for this event's thread. */
export async function threadGeneration(
  store: Pick<KeyValue, 'setRecord'> & Pick<ThreadRepo, 'getThread'>,
  teamId: string,
  channelId: string,
  event: PipelineEvent,
  control: ThreadControl | undefined,
  regression: boolean,
  current: Generation,
): Promise<ThreadGeneration> {
  const base = event.threadKey ?? '';
  const recKey = threadGenerationKey(teamId, channelId, base);
  const key = generationKey(base, current.gen);
  const now: ThreadGeneration = { key, ...(current.previousTs ? { previousTs: current.previousTs } : {}) };
  if (!control?.newThreadAfterDays || !regression) return now;
  const rec = await store.getThread(teamId, channelId, key);
  const statusAt = rec?.stateTimes?.status ? Date.parse(rec.stateTimes.status) : NaN;
  if (!rec?.ts || Number.isNaN(statusAt) || Date.parse(event.time) - statusAt < control.newThreadAfterDays * DAY_MS) return now;
  const next: Generation = { gen: current.gen + 1, previousTs: rec.ts };
  await store.setRecord(recKey, next, GENERATION_TTL);
  return { key: generationKey(base, next.gen), previousTs: rec.ts };
}
