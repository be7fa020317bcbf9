/**
 * What stands between a delivery and Slack, shared by every job and process through the store:
 * - a hold: Slack's Retry-After holds the channel (chat.postMessage, chat.update: Slack's per-channel
 *   limit) or the whole team (other methods: per-workspace tiers); a team whose Slack keeps failing
 *   (timeouts, 5xx, network) is held briefly too, a circuit breaker that lets one probe through;
 * - a cap on the calls in flight per team (`TEAM_CONCURRENCY`), leased so a crashed worker's places
 *   come back: one slow workspace cannot take every worker (`team-slots.ts`).
 * Held and rate-limited calls defer the job (no worker waits, no attempt is counted); a capped call
 * waits briefly for a place in-process, a bounded number of them, and defers after that.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DeferError } from '../queue/queue.js';
import type { KeyValue } from '../store/store.js';
import { slackHoldKey } from '../store/keys.js';
import type { SlackApi } from './slack-client.js';
import { SlackCallError } from './slack-errors.js';
import { createTeamSlots } from './team-slots.js';
import { jitter } from './channel-support.js';

/** Methods Slack limits per channel; the rest are limited per workspace. */
const CHANNEL_LIMITED = new Set(['chat.postMessage', 'chat.update']);

interface Hold {
  /** ms since epoch */
  until: number;
  /** Failures in a row (circuit breaker); 0 for a Retry-After. */
  fails: number;
}

export interface SlackGateDeps {
  store: Pick<KeyValue, 'getRecord' | 'setRecord' | 'deleteRecord' | 'acquireLease' | 'releaseLease'>;
  metrics: Metrics;
  logger: Logger;
  /** Slack calls in flight per team, across processes. */
  teamConcurrency: number;
  /** How long a call's place is kept if its worker dies (longer than a call with its retries). */
  slotLeaseMs: number;
  /** The longest a failing team is held before the next probe. */
  maxBreakMs: number;
  /** How long a call waits in-process for a place under the team's cap before its job defers. Default 1 s. */
  slotWaitMs?: number;
  /** Jobs this process runs at once: half of them may wait for a team's place (team-slots.ts). */
  workerConcurrency?: number;
}

export type SlackGate = ReturnType<typeof createSlackGate>;

export function createSlackGate(deps: SlackGateDeps) {
  const { store, metrics } = deps;
  const slots = createTeamSlots({
    store,
    limit: deps.teamConcurrency,
    leaseMs: deps.slotLeaseMs,
    waitMs: deps.slotWaitMs ?? 1000,
    maxWaiters: Math.floor((deps.workerConcurrency ?? 0) / 2),
  });

  async function hold(key: string, until: number, fails: number) {
    await store.setRecord(key, { until, fails } satisfies Hold, Math.ceil((until - Date.now()) / 1000) + 60);
  }

  /** Defers the job while the team or the channel is held. Returns the team's breaker state. */
  async function checkHolds(teamId: string, channelId: string): Promise<Hold | null> {
    const [team, channel] = await Promise.all([
      store.getRecord<Hold>(slackHoldKey(teamId)),
      store.getRecord<Hold>(slackHoldKey(teamId, channelId)),
    ]);
    const until = Math.max(team?.until ?? 0, channel?.until ?? 0);
    const wait = until - Date.now();
    if (wait > 0) {
      metrics.slackDeferrals.inc({ reason: 'held' });
      throw new DeferError(jitter(wait) + 10);
    }
    return team;
  }

  async function onFailure(err: SlackCallError, teamId: string, channelId: string, method: string, breaker: Hold | null) {
    // A lookup of our own messages over its limit falls back (see own-post.ts); it never holds posting.
    if (err.code === 'ratelimited' && method.startsWith('conversations.')) return;
    if (err.code === 'ratelimited') {
      const ms = err.retryAfterMs ?? 1000;
      const key = CHANNEL_LIMITED.has(method) ? slackHoldKey(teamId, channelId) : slackHoldKey(teamId);
      await hold(key, Date.now() + ms, 0);
      metrics.slackDeferrals.inc({ reason: 'ratelimited' });
      deps.logger.info(
        { teamId, channelId: CHANNEL_LIMITED.has(method) ? channelId : undefined, method, retryAfterMs: ms },
        'Slack rate limit: holding calls',
      );
      throw new DeferError(ms + 10);
    }
    if (err.kind !== 'transient') return;
    // Slack is failing for this team: hold the team, a little longer each time, so its other jobs
    // defer instead of each spending a timeout. The first call after the hold is the probe.
    const fails = (breaker?.fails ?? 0) + 1;
    const ms = Math.min(deps.maxBreakMs, 500 * 2 ** Math.min(fails - 1, 16));
    await hold(slackHoldKey(teamId), Date.now() + ms, fails);
  }

  /** `api` as one delivery (team, channel) uses it. */
  function wrap(api: SlackApi, teamId: string, channelId: string): SlackApi {
    if (api.dryRun) return api;
    // A place is taken only for the call itself (not while a post waits for its pacing slot): with
    // places held through pacing sleeps, a workspace with many channels posted at most
    // TEAM_CONCURRENCY messages per pacing interval in all.
    async function admit() {
      const holder = randomUUID();
      // The holds and a place are asked for together (one round trip on Redis): a hold is rare,
      // and then the place is given back at once.
      const asking = slots.acquire(teamId, holder);
      let breaker: Hold | null;
      try {
        breaker = await checkHolds(teamId, channelId);
      } catch (err) {
        void asking.then((p) => (p === 'full' ? undefined : slots.release(teamId, holder))).catch(() => undefined);
        throw err;
      }
      const place = await asking;
      if (place === 'full') {
        metrics.slackDeferrals.inc({ reason: 'team_cap' });
        throw new DeferError(jitter(250));
      }
      if (place === 'taken') return { breaker, holder };
      // A Retry-After or a failing Slack may have held the team or channel while this call waited.
      try {
        return { breaker: await checkHolds(teamId, channelId), holder };
      } catch (err) {
        await slots.release(teamId, holder).catch(() => undefined);
        throw err;
      }
    }
    return {
      dryRun: false,
      async call(method, args) {
        const { breaker, holder } = await admit();
        try {
          const res = await api.call(method, args);
          if (breaker && breaker.fails > 0) await store.deleteRecord(slackHoldKey(teamId));
          return res as never;
        } catch (err) {
          if (err instanceof SlackCallError) await onFailure(err, teamId, channelId, method, breaker);
          throw err;
        } finally {
          // Not awaited: the release goes out with the caller's next store write (one round trip
          // on Redis), and a lost release only keeps the place until its lease ends.
          void slots.release(teamId, holder).catch(() => undefined);
        }
      },
    };
  }

  return { wrap };
}
