/**
 * One part of an event (`parent`, `reply`, `standalone`…) into one channel, exactly once where the
 * scopes allow: a part already recorded is not posted again; the attempt is fenced by the run's
 * token (`store/attempt-marker.ts`: a stale run stops, a newer one waits out an older attempt in
 * flight), an earlier run's message is looked for before posting again (`own-post.ts`), the
 * channel's pace is kept, and the ts is recorded before the job is acked.
 */

import type { PipelineEvent } from '../events.js';
import { DeferError } from '../queue/queue.js';
import { paceKey, paceSlotKey, postAttemptKey, postKey } from '../store/keys.js';
import type { SlackApi } from './slack-client.js';
import { SlackCallError } from './slack-errors.js';
import {
  jitter,
  notPosted,
  persist,
  sleep,
  type ChannelDeliveryDeps,
  type ChannelJob,
  type FencedJob,
  type Msg,
} from './channel-support.js';

const POST_RECORD_TTL = 7 * 24 * 3600;
/** Longer pacing waits defer the job instead of sleeping in a worker slot. */
const MAX_PACING_SLEEP_MS = 1500;
/** A reserved send slot this far in the past was missed. */
const MISSED_SLOT_MS = 250;

export type PartPosterDeps = Pick<ChannelDeliveryDeps, 'store' | 'metrics' | 'logger' | 'channelIntervalMs' | 'ownPosts'> & {
  attemptLiveMs: number;
};

export function createPartPoster(deps: PartPosterDeps) {
  const { store, metrics } = deps;
  const attemptLiveMs = deps.attemptLiveMs;

  /** chat.postMessage / chat.update, with one plain-text retry when Slack rejects the blocks. */
  async function callWithFallback(slack: SlackApi, method: string, args: Record<string, unknown>, type: string) {
    try {
      return await slack.call<{ ts?: string }>(method, args);
    } catch (err) {
      if (err instanceof SlackCallError && err.kind === 'shape') {
        metrics.deliveries.inc({ type, result: 'fallback' });
        deps.logger.warn({ type, method, error: err.code }, 'Slack rejected the blocks; sending the plain-text fallback');
        const { blocks: _blocks, ...rest } = args;
        return await slack.call<{ ts?: string }>(method, { ...rest, text: String(args.text ?? '').slice(0, 3900) });
      }
      throw err;
    }
  }

  async function post(
    slack: SlackApi,
    job: FencedJob,
    event: PipelineEvent,
    teamId: string,
    channelId: string,
    part: string,
    msg: Msg,
    threadTs?: string,
  ) {
    const key = postKey(job.id, teamId, channelId, part);
    const done = await store.getRecord<string>(key);
    if (done) return done;
    // Fenced: this run's marker, unless a newer run of the job holds the part (this run lost its
    // lock) or an older run's post may still be in flight. See `store/attempt-marker.ts`.
    const attemptKey = postAttemptKey(job.id, teamId, channelId, part);
    const token = job.token;
    const mark = await store.markAttempt(attemptKey, token, attemptLiveMs, POST_RECORD_TTL);
    if (mark.result === 'fenced') {
      metrics.slackDeferrals.inc({ reason: 'fenced' });
      throw new DeferError(jitter(1000));
    }
    if (mark.result === 'busy') {
      metrics.slackDeferrals.inc({ reason: 'attempt_in_flight' });
      throw new DeferError(mark.retryInMs + jitter(250));
    }
    let res: { ts?: string };
    try {
      // An earlier run got as far as posting but recorded no ts: Slack may have the message.
      if (mark.previous) {
        const recorded = await store.getRecord<string>(key);
        if (recorded) return recorded;
        const found = await deps.ownPosts?.find(slack, {
          teamId,
          channelId,
          eventId: event.id,
          part,
          threadTs,
          attemptedAt: mark.previous.first,
          lastAttemptAt: mark.previous.at,
        });
        if (found) {
          await persist(() => store.setRecord(key, found, POST_RECORD_TTL));
          return found;
        }
      }
      await pace(job, teamId, channelId, part);
      metrics.webhookToSlack.observe({ type: event.type }, Math.max(0, Date.now() - job.acceptedAt) / 1000);
      res = await callWithFallback(
        slack,
        'chat.postMessage',
        {
          channel: channelId,
          ...msg,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
          // Message metadata names the event, so a message can be traced to its delivery (and counted in tests).
          metadata: {
            event_type: 'threadline_event',
            event_payload: { event_id: event.id, event_type: event.type, thread_key: event.threadKey ?? '', part },
          },
        },
        event.type,
      );
    } catch (err) {
      // Certainly not posted (held, deferred, or Slack answered with an error): no lookup is owed.
      // Otherwise (a timeout, a 5xx) Slack may have it: the marker stays, ended, for the rerun.
      await store.endAttempt(attemptKey, token, !notPosted(err)).catch(() => undefined);
      throw err;
    }
    const ts = res.ts ?? '';
    // Slack has the message now: losing this record would post it again on a rerun, so a store
    // blip (Redis restarting) is waited out here rather than failing the job.
    await persist(() => store.setRecord(key, ts, POST_RECORD_TTL));
    return ts;
  }

  /**
   * Waits for this post's slot in the channel (about one post per second). A short wait is slept;
   * a long one (a burst into one channel) is kept as a reservation and the job deferred, so the
   * burst does not hold every worker while other channels wait.
   */
  async function pace(job: ChannelJob, teamId: string, channelId: string, part: string) {
    if (deps.channelIntervalMs <= 0) return;
    const slotKey = paceSlotKey(job.id, teamId, channelId, part);
    let at = await store.getRecord<number>(slotKey);
    // A slot missed while the job was deferred (a hold, an outage) is gone: posting now could land
    // right beside the slot another post holds, so take a new one.
    if (at !== null && at < Date.now() - MISSED_SLOT_MS) at = null;
    if (at === null) {
      const wait = await store.reserveSlot(paceKey(teamId, channelId), deps.channelIntervalMs);
      at = Date.now() + wait;
      if (wait > MAX_PACING_SLEEP_MS) {
        await store.setRecord(slotKey, at, 3600);
        throw new DeferError(wait);
      }
    }
    const remaining = at - Date.now();
    if (remaining > 0) await sleep(remaining);
  }

  return { post, callWithFallback };
}
