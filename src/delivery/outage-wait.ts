/**
 * A Slack outage is waited out in the queue, not dead-lettered: a transient failure (5xx, timeout,
 * network, 429 past its hold) that outlasted the client's own retry sends the delivery back to the
 * queue with a growing backoff until it has waited `outageMaxMs` (24 h by default).
 */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DeferError } from '../queue/queue.js';
import { slackOutageKey } from '../store/keys.js';
import type { KeyValue } from '../store/store.js';
import { jitter } from './channel-support.js';
import type { SlackCallError } from './slack-errors.js';

interface Episode {
  since: number;
  n: number;
  last: number;
}

export function createOutageWait(deps: { store: Pick<KeyValue, 'getRecord' | 'setRecord'>; metrics: Metrics; outageMaxMs: number }) {
  const { store, metrics, outageMaxMs } = deps;
  // Retries back off up to this (5 min by default; a compressed outage in tests gets a
  // proportionally shorter step, so the catch-up is not one long backoff late).
  const backoffCapMs = Math.min(300_000, Math.max(1000, Math.floor(outageMaxMs / 100)));

  /** Throws the delivery's next deferral; returns once it has waited out `outageMaxMs` (the caller dead-letters it). */
  return async function deferWithinOutage(origin: string, channelId: string, err: SlackCallError, log: Logger): Promise<void> {
    const key = slackOutageKey(origin, channelId);
    const now = Date.now();
    const seen = await store.getRecord<Episode>(key);
    // A record from an earlier episode (this delivery got through since, or went quiet) starts afresh.
    const episode = seen && now - seen.last <= 2 * backoffCapMs + 60_000 ? seen : { since: now, n: 0, last: now };
    if (now - episode.since >= outageMaxMs) return;
    await store.setRecord(key, { since: episode.since, n: episode.n + 1, last: now }, Math.ceil(outageMaxMs / 1000) + 3600);
    const delay = Math.min(backoffCapMs, 1000 * 2 ** Math.min(episode.n, 20));
    metrics.slackDeferrals.inc({ reason: 'outage' });
    if (episode.n === 0) log.warn({ channelId, error: err.code }, 'Slack is failing; the delivery waits and tries again');
    throw new DeferError(jitter(delay));
  };
}
