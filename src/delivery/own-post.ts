/**
 * Exactly once to Slack, where scopes and limits allow. A rerun that finds a post attempted but its
 * ts never recorded (a crash after Slack accepted it, or a client timeout after Slack did post)
 * first looks for its own message: every message carries its event id and part in `metadata`.
 * Found: its ts is adopted and nothing is posted again. Not looked for (no history scope, over the
 * workspace's lookup budget, not in the channel, an error): the post is made again as before, and
 * counted as a fallback.
 */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { KeyValue } from '../store/store.js';
import { lookupBudgetKey, lookupScopeKey } from '../store/keys.js';
import type { SlackApi } from './slack-client.js';
import { SlackCallError } from './slack-errors.js';
import { DeferError } from '../queue/queue.js';

/** Slack gives apps outside its Marketplace 15 messages a page. */
const PAGE = 15;
/** Pages one lookup may read (each counts against the budget). */
const MAX_PAGES = 10;
/** How long a missing scope is remembered before trying again (a reinstall may have added it). */
const NO_SCOPE_TTL_SECONDS = 3600;

export interface OwnPostFinderDeps {
  store: Pick<KeyValue, 'incr' | 'getRecord' | 'setRecord'>;
  metrics: Metrics;
  logger: Logger;
  /** Lookups per workspace per minute (Slack allows non-Marketplace apps one). */
  perMinute: number;
  /** How long after an attempt its message can appear (longer than a call with its retries). */
  windowMs: number;
}

export interface OwnPost {
  teamId: string;
  channelId: string;
  eventId: string;
  part: string;
  /** The parent's ts, for a reply. */
  threadTs?: string;
  /** When the part's first attempt was made (ms): the message cannot be older. */
  attemptedAt: number;
  /** When the latest earlier attempt was made (ms): the message cannot be much newer. Default: `attemptedAt`. */
  lastAttemptAt?: number;
}

interface Page {
  messages?: Message[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

interface Message {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { event_id?: string; part?: string } };
}

export type OwnPostFinder = ReturnType<typeof createOwnPostFinder>;

export function createOwnPostFinder(deps: OwnPostFinderDeps) {
  const { store, metrics } = deps;

  async function withinBudget(teamId: string): Promise<boolean> {
    if (deps.perMinute <= 0) return false;
    const minute = Math.floor(Date.now() / 60_000);
    return (await store.incr(lookupBudgetKey(teamId, minute), 120)) <= deps.perMinute;
  }

  /** The ts of our own message for this part, or null when it is not there or could not be looked for. */
  async function find(slack: SlackApi, p: OwnPost): Promise<string | null> {
    if (slack.dryRun) return null;
    if (await store.getRecord(lookupScopeKey(p.teamId))) {
      metrics.slackLookups.inc({ result: 'fallback_scope' });
      return null;
    }
    if (!(await withinBudget(p.teamId))) {
      metrics.slackLookups.inc({ result: 'fallback_budget' });
      return null;
    }
    // Our message can only be from the attempt's window (a second of slack for clocks: Slack's ts is
    // its own time); a busy channel may still need more than one page, each within the budget.
    const oldest = ((p.attemptedAt - 1000) / 1000).toFixed(6);
    const latest = (((p.lastAttemptAt ?? p.attemptedAt) + deps.windowMs) / 1000).toFixed(6);
    const args = { channel: p.channelId, oldest, latest, limit: PAGE, include_all_metadata: true, inclusive: true };
    try {
      let cursor: string | undefined;
      for (let page = 0; ; page++) {
        if (page > 0 && !(await withinBudget(p.teamId))) {
          metrics.slackLookups.inc({ result: 'fallback_budget' });
          return null;
        }
        const pageArgs = cursor ? { ...args, cursor } : args;
        const res = p.threadTs
          ? await slack.call<Page>('conversations.replies', { ...pageArgs, ts: p.threadTs })
          : await slack.call<Page>('conversations.history', pageArgs);
        const mine = (res.messages ?? []).find(
          (m) => m.metadata?.event_payload?.event_id === p.eventId && m.metadata.event_payload.part === p.part,
        );
        if (mine?.ts) {
          metrics.slackLookups.inc({ result: 'adopted' });
          return mine.ts;
        }
        cursor = res.has_more ? res.response_metadata?.next_cursor : undefined;
        if (!cursor || page + 1 >= MAX_PAGES) {
          metrics.slackLookups.inc({ result: 'not_found' });
          return null;
        }
      }
    } catch (err) {
      // Held or capped (the gate defers the job): look again on the rerun, never post blind.
      if (err instanceof DeferError) throw err;
      const code = err instanceof SlackCallError ? err.code : 'error';
      if (code === 'missing_scope') {
        await store.setRecord(lookupScopeKey(p.teamId), 1, NO_SCOPE_TTL_SECONDS);
        deps.logger.warn(
          { teamId: p.teamId },
          'cannot look for an already-posted message (the token lacks channels:history / groups:history); a rerun after a crash or timeout may post twice. Reinstall the app to grant them.',
        );
        metrics.slackLookups.inc({ result: 'fallback_scope' });
      } else {
        metrics.slackLookups.inc({ result: 'fallback_error' });
        deps.logger.info({ teamId: p.teamId, channelId: p.channelId, error: code }, 'own-message lookup failed; posting again');
      }
      return null;
    }
  }

  return { find };
}
