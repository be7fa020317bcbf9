/**
 * Threads that point at each other (README, "Threads"). A source says which threads an event joins
 * (`SourceDefinition.threadLinks`: a Seer run and its issue, a Seer pull request's builds and the
 * run); once the event is delivered into a channel where both threads have a parent, a link event
 * is derived for each pair and queued like a webhook's: through the source's table (schema and
 * normalizer), claimed under a fixed id (so a rerun of the trigger, or the other side of the pair,
 * queues it once), numbered in the thread it goes into, and restricted to that channel (`only`).
 * Its delivery is an ordinary one (the thread's order, post records, the tenancy checks); only its
 * reply differs: it links to the other thread's parent, whose permalink `forChannel` looks up.
 *
 * Nothing here posts: a side call from inside another delivery would skip the guarantees.
 */

import { createHash } from 'node:crypto';
import type { PipelineEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Queue } from '../queue/queue.js';
import { DeferError } from '../queue/queue.js';
import { sourceNamed, type SourceDefinition, type ThreadLinkSpec } from '../sources/index.js';
import { normalizeWith, parseWith } from '../sources/kit/table.js';
import { THREAD_TTL_SECONDS, type KeyValue, type ThreadRecord, type ThreadRepo } from '../store/store.js';
import { permalinkKey, threadGenerationKey, threadLinkKey } from '../store/keys.js';
import { claimAndEnqueue } from '../ingest/claim.js';
import type { RenderExtras } from '../../templates/types.js';
import type { SlackApi } from './slack-client.js';
import type { ThreadControlOf } from './thread-control.js';
import { generationKey } from './thread-generation.js';
import { DERIVED_EVENT_PREFIX } from './derived.js';

/** Permalinks do not change; a deleted message's is looked up again after this. */
const PERMALINK_TTL = 30 * 24 * 3600;

export interface ThreadLinksDeps {
  store: KeyValue & ThreadRepo;
  queue: Queue;
  sources: readonly SourceDefinition[];
  logger: Logger;
  threadControl?: ThreadControlOf;
}

export interface ThreadLinks {
  /** Render extras: the permalinks, in this channel, of the threads the event's messages point at. */
  forChannel(ctx: { slack: SlackApi; event: PipelineEvent; teamId: string; channelId: string }): Promise<Partial<RenderExtras>>;
  /** After the event was delivered into the channel: queue the link events it makes there. */
  afterDelivery(event: PipelineEvent, teamId: string, channelId: string): Promise<void>;
}

/** One link in one channel, the same whichever of its threads' events makes it. */
export function linkId(teamId: string, channelId: string, spec: Pick<ThreadLinkSpec, 'type' | 'into' | 'from'>): string {
  return createHash('sha256')
    .update(JSON.stringify([teamId, channelId, spec.type, spec.into, spec.from]))
    .digest('hex')
    .slice(0, 40);
}

export function createThreadLinks(deps: ThreadLinksDeps): ThreadLinks {
  const { store } = deps;

  /** The thread a base key stands for in the channel now (its current generation, `--new-thread-after`). */
  async function currentThread(teamId: string, channelId: string, base: string): Promise<ThreadRecord | null> {
    const gen = await store.getRecord<{ gen?: number }>(threadGenerationKey(teamId, channelId, base));
    return store.getThread(teamId, channelId, generationKey(base, gen?.gen ?? 0));
  }

  async function permalink(slack: SlackApi, teamId: string, channelId: string, ts: string): Promise<string | undefined> {
    const key = permalinkKey(teamId, channelId, ts);
    const cached = await store.getRecord<string>(key);
    if (cached) return cached;
    // A dry run has no messages to link to.
    if (slack.dryRun) return undefined;
    try {
      const res = await slack.call<{ permalink?: string }>('chat.getPermalink', { channel: channelId, message_ts: ts });
      if (!res.permalink) return undefined;
      await store.setRecord(key, res.permalink, PERMALINK_TTL);
      return res.permalink;
    } catch (err) {
      // Held or rate limited: the job waits and tries again. Anything else costs the link, not the message.
      if (err instanceof DeferError) throw err;
      deps.logger.warn(
        { channelId, error: (err as Error).message },
        'no permalink for a linked thread; the reply says where it is instead',
      );
      return undefined;
    }
  }

  return {
    async forChannel(ctx) {
      const keys = sourceNamed(deps.sources, ctx.event.source)?.linkedThreads?.(ctx.event) ?? [];
      const found: Record<string, string> = {};
      for (const key of keys) {
        const rec = await currentThread(ctx.teamId, ctx.channelId, key);
        const url = rec?.ts ? await permalink(ctx.slack, ctx.teamId, ctx.channelId, rec.ts) : undefined;
        if (url) found[key] = url;
      }
      return Object.keys(found).length ? { threadLinks: found } : {};
    },

    async afterDelivery(event, teamId, channelId) {
      const source = sourceNamed(deps.sources, event.source);
      const specs = event.threadKey ? (source?.threadLinks?.(event) ?? []) : [];
      if (!source || specs.length === 0) return;
      // With threads off there are no threads to point at.
      if ((await deps.threadControl?.(teamId, channelId))?.threads === 'off') return;
      for (const spec of specs) {
        const id = linkId(teamId, channelId, spec);
        const doneKey = threadLinkKey(teamId, channelId, id);
        if (await store.getRecord(doneKey)) continue;
        const [into, from] = await Promise.all([currentThread(teamId, channelId, spec.into), currentThread(teamId, channelId, spec.from)]);
        // Both ends need a parent in this channel; the later of the two makes the link.
        if (!into?.ts || !from?.ts) continue;
        const parsed = parseWith(source.events, spec.type, spec.payload);
        if (!parsed.ok) {
          deps.logger.error({ type: spec.type, issues: parsed.issues }, 'a link event failed its own schema; no link');
          continue;
        }
        const receivedAt = new Date();
        const link = normalizeWith(source.events, spec.type, parsed.payload, { deliveryId: `${DERIVED_EVENT_PREFIX}${id}`, receivedAt });
        await claimAndEnqueue({ store, queue: deps.queue, log: deps.logger }, { source: source.name, receivedAt }, link, id, {
          teamId,
          channelId,
        });
        // Longer than the claim (7 days): a build a month later must not link the threads again.
        await store.setRecord(doneKey, 1, THREAD_TTL_SECONDS);
      }
    },
  };
}
