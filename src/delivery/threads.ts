/**
 * One event into one channel: the first event of a thread claims it and posts the parent; later
 * events reply in the thread and update the parent to the merged state. Every post's ts is
 * recorded against (job, channel, part) before the job is acked, so a retried job never posts the
 * same message twice (`post-part.ts`: each part exactly once, fenced and paced).
 */

import type { PipelineEvent } from '../events.js';
import { SOURCES, sourceNamed } from '../sources/index.js';
import type { ThreadRecord } from '../store/store.js';
import { mergeState } from '../store/merge.js';
import { DeferError } from '../queue/queue.js';
import type { SlackApi } from './slack-client.js';
import { SlackCallError } from './slack-errors.js';
import type { RenderExtras } from '../../templates/types.js';
import { echoKey } from '../store/keys.js';
import { createPartPoster } from './post-part.js';
import { broadcastsReply, isRegression, type ThreadControl } from './thread-control.js';
import { readGeneration, threadGeneration } from './thread-generation.js';
import type { ChosenSettings } from './route-chosen.js';
import { DERIVED_EVENT_PREFIX } from './derived.js';
import {
  nextRunToken,
  sleep,
  type ChannelDeliveryDeps,
  type ChannelJob,
  type ChannelResult,
  type FencedJob,
  type Msg,
} from './channel-support.js';

export type { ChannelDeliveryDeps, ChannelJob, ChannelResult } from './channel-support.js';

/** Ids of events that buttons make (see src/slack/actions-outcome.ts); they are never echoes. */
export const BUTTON_EVENT_PREFIX = 'action-';
/** Longer than a parent post can take with all of the Slack client's retries. */
const STALE_CLAIM_MS = 3 * 60 * 1000;
/** How long a post attempt may be in flight by default (a call with its retries, and more). */
const DEFAULT_ATTEMPT_LIVE_MS = 60_000;

/** Slack allows at most this many blocks in a message. */
const MAX_BLOCKS = 50;

/**
 * The message with an alert action's `mention` (`<!here>`, `<!subteam^S…>`) in front: in the
 * notification text and as the first block, so the people are pinged and see why. The token comes
 * from `route-chosen.ts`, which builds it from a checked id only; nothing else is added unescaped.
 */
export function mentioning(msg: Msg, mention: string | undefined): Msg {
  if (!mention) return msg;
  const blocks = msg.blocks
    ? [{ type: 'section', text: { type: 'mrkdwn', text: mention } }, ...msg.blocks.slice(0, MAX_BLOCKS - 1)]
    : undefined;
  return { ...msg, text: `${mention} ${msg.text}`, ...(blocks ? { blocks } : {}) };
}

export function createChannelDelivery(deps: ChannelDeliveryDeps) {
  const { store } = deps;
  const sources = deps.sources ?? SOURCES;

  const { post, callWithFallback } = createPartPoster({ ...deps, attemptLiveMs: deps.attemptLiveMs ?? DEFAULT_ATTEMPT_LIVE_MS });

  /** The extras of one channel (its mentions, its links), given the thread's merged state. */
  async function channelExtrasOf(
    slack: SlackApi,
    event: PipelineEvent,
    teamId: string,
    channelId: string,
    state: Record<string, unknown>,
    control: ThreadControl | undefined,
    extras: RenderExtras,
  ): Promise<RenderExtras> {
    const ctx = { slack, event, teamId, channelId, state, mentionSetting: control?.mention };
    return (await deps.render.forChannel?.(ctx, extras)) ?? extras;
  }

  async function waitForParent(teamId: string, channelId: string, threadKey: string): Promise<ThreadRecord> {
    const deadline = Date.now() + deps.parentWaitMs;
    for (;;) {
      const rec = await store.getThread(teamId, channelId, threadKey);
      if (rec?.ts) return rec;
      // Released meanwhile, or a claimer that died for good (its job exhausted): claim it afresh.
      if (!rec || Date.now() - Date.parse(rec.claimedAt) > STALE_CLAIM_MS) {
        if (rec) await store.releaseThread(teamId, channelId, threadKey, rec.owner);
        throw new DeferError(10);
      }
      // The claimer is still posting (or died and its job will run again): try again shortly.
      if (Date.now() >= deadline) throw new DeferError(500);
      await sleep(25);
    }
  }

  /**
   * `extras` may be computed once by a caller delivering one event to several channels. `chosen`:
   * the settings an alert rule's action saved for this channel (see `route-chosen.ts`).
   */
  async function deliver(
    slack: SlackApi,
    given: ChannelJob,
    event: PipelineEvent,
    teamId: string,
    channelId: string,
    givenExtras?: RenderExtras,
    chosen?: ChosenSettings,
  ): Promise<ChannelResult> {
    // One token for every part this run posts (a caller with several channels passes its own).
    const job: FencedJob = { ...given, token: given.token ?? (await nextRunToken(store, given.id)) };
    const extras = givenExtras ?? (await deps.render.extras(event));
    const mention = chosen?.mention;
    if (!event.threadKey) {
      await post(slack, job, event, teamId, channelId, 'standalone', mentioning(deps.render.standalone(event, extras), mention));
      return 'posted';
    }
    const owner = `${job.id}:${channelId}`;
    // Independent reads, sent together (one round trip on Redis); the generation is unused when
    // the channel does not thread.
    const [control, current] = await Promise.all([
      deps.threadControl?.(teamId, channelId),
      readGeneration(store, teamId, channelId, event.threadKey),
    ]);
    const derived = event.id.startsWith(DERIVED_EVENT_PREFIX);
    // A link between threads (thread-links.ts) means nothing once the channel stopped threading.
    if (derived && control?.threads === 'off') return 'updated';
    // The rule's `thread=off` is this channel's setting for its alerts, like `--threads=off`.
    if (control?.threads === 'off' || chosen?.threads === 'off')
      return deliverUnthreaded(slack, job, event, teamId, channelId, extras, owner, control, mention);
    // A rerun finds the generation its first run chose (the regression then is the thread's newest change).
    const generation = await threadGeneration(store, teamId, channelId, event, control, isRegression(event, sources), current);
    const threaded = { ...event, threadKey: generation.key };
    return deliverThreaded(slack, job, threaded, teamId, channelId, extras, owner, control, generation.previousTs, mention);
  }

  async function deliverThreaded(
    slack: SlackApi,
    job: FencedJob,
    event: PipelineEvent & { threadKey: string },
    teamId: string,
    channelId: string,
    extras: RenderExtras,
    owner: string,
    control: ThreadControl | undefined,
    previousTs: string | undefined,
    mention: string | undefined,
  ): Promise<ChannelResult> {
    const claim = await store.claimThread(teamId, channelId, event.threadKey, owner, event.subject.kind);
    if (claim.won) {
      if (claim.record.ts) return 'posted';
      // Merged in the store first (atomic, and the same result again on a rerun), then posted.
      const merged =
        (await store.mergeThreadState(teamId, channelId, event.threadKey, event.state, event.time, claim.record)) ?? claim.record;
      const channelExtras = await channelExtrasOf(slack, event, teamId, channelId, merged.state, control, extras);
      let ts: string;
      try {
        ts = await post(
          slack,
          job,
          event,
          teamId,
          channelId,
          'parent',
          mentioning(deps.render.card(event, merged.state, channelExtras), mention),
        );
      } catch (err) {
        // Slack refused the parent for good (this job ends in a dead letter): free the thread so the
        // next event, or this one retried from App Home, posts the parent instead of waiting forever.
        if (err instanceof SlackCallError) await store.releaseThread(teamId, channelId, event.threadKey, owner);
        throw err;
      }
      await store.updateThread(teamId, channelId, event.threadKey, { ts });
      if (previousTs) await linkPrevious(slack, job, event, teamId, channelId, ts, previousTs);
      return 'posted';
    }

    const rec = claim.record.ts ? claim.record : await waitForParent(teamId, channelId, event.threadKey);
    const parentTs = rec.ts as string;
    // A change our own button made is already in the thread: the source's echo only updates the card.
    const markKey = echoKey(teamId, channelId, event.threadKey, event.type);
    const echoable = !event.id.startsWith(BUTTON_EVENT_PREFIX) && (sourceNamed(sources, event.source)?.maybeEcho(event) ?? false);
    const mark = echoable ? await store.getRecord<{ lastChangeBy?: string | null }>(markKey) : null;
    const echo = mark !== null;
    const patch = { ...event.state };
    if (echo && typeof mark === 'object' && mark.lastChangeBy) patch.lastChangeBy = mark.lastChangeBy;
    // A button and a webhook of this thread may merge at the same moment: the store merges atomically.
    const merged =
      (await store.mergeThreadState(teamId, channelId, event.threadKey, patch, event.time, rec)) ??
      mergeState(rec.state ?? {}, rec.stateTimes ?? {}, patch, event.time);
    const channelExtras = await channelExtrasOf(slack, event, teamId, channelId, merged.state, control, extras);
    const rendered = echo ? null : deps.render.reply(event, merged.state, channelExtras);
    const reply = rendered && mentioning(rendered, mention);
    // A link reply is about the threads, not news for the channel: never broadcast.
    const broadcast = reply !== null && !event.id.startsWith(DERIVED_EVENT_PREFIX) && broadcastsReply(control, event, sources);
    if (reply) await post(slack, job, event, teamId, channelId, 'reply', broadcast ? { ...reply, reply_broadcast: true } : reply, parentTs);
    const card = deps.render.card(event, merged.state, channelExtras);
    try {
      await callWithFallback(slack, 'chat.update', { channel: channelId, ts: parentTs, ...card }, event.type);
    } catch (err) {
      // The reply is out; a parent that can't be edited (deleted, too old) must not fail the event.
      // A hold or rate limit defers the job: the rerun finds the reply posted and edits the card.
      if (err instanceof DeferError || (err instanceof SlackCallError && err.kind === 'permanent')) throw err;
      deps.logger.warn({ type: event.type, channelId, error: (err as Error).message }, 'parent update failed');
    }
    // Only now: a rerun of this job before this point must still see the echo and stay silent.
    if (echo) await store.deleteRecord(markKey);
    return reply ? 'replied' : 'updated';
  }

  /** The first reply of a new generation's thread: a link to the thread it follows. */
  async function linkPrevious(
    slack: SlackApi,
    job: FencedJob,
    event: PipelineEvent,
    teamId: string,
    channelId: string,
    parentTs: string,
    previousTs: string,
  ) {
    let link: string | undefined;
    try {
      link = (await slack.call<{ permalink?: string }>('chat.getPermalink', { channel: channelId, message_ts: previousTs })).permalink;
    } catch (err) {
      if (err instanceof DeferError) throw err;
      deps.logger.warn({ channelId, error: (err as Error).message }, 'no permalink for the previous thread');
    }
    const text = link
      ? `↩️ This came back after it was resolved. Earlier thread: <${link}|here>`
      : '↩️ This came back after it was resolved; the earlier thread is further up this channel.';
    await post(slack, job, event, teamId, channelId, 'previous-thread', { text }, parentTs);
  }

  /**
   * `--threads=off`: the event's card, current, as its own message. The thread record still keeps
   * the merged state, and its ts follows the newest message, whose buttons act on it.
   */
  async function deliverUnthreaded(
    slack: SlackApi,
    job: FencedJob,
    event: PipelineEvent,
    teamId: string,
    channelId: string,
    extras: RenderExtras,
    owner: string,
    control: ThreadControl | undefined,
    mention: string | undefined,
  ): Promise<ChannelResult> {
    const threadKey = event.threadKey as string;
    const claim = await store.claimThread(teamId, channelId, threadKey, owner, event.subject.kind);
    const merged = (await store.mergeThreadState(teamId, channelId, threadKey, event.state, event.time, claim.record)) ?? claim.record;
    const channelExtras = await channelExtrasOf(slack, event, teamId, channelId, merged.state, control, extras);
    const ts = await post(
      slack,
      job,
      event,
      teamId,
      channelId,
      'own',
      mentioning(deps.render.card(event, merged.state, channelExtras), mention),
    );
    await store.updateThread(teamId, channelId, threadKey, { ts });
    return 'posted';
  }

  return { deliver };
}
