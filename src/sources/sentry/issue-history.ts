/**
 * The issue card's one-line history ("new → resolved by Jane → regressed"). Each lifecycle event
 * adds one entry to `statusHistory`, keyed by its event id (a redelivery is the same entry), with
 * its event time; the thread's state merge keeps the newest entries of the map, whatever order
 * the events arrive in (see `HISTORY_CAP` in src/store/merge.ts). The card orders them by time.
 */

import type { Actor } from '../../events.js';
import type { IssueTransition, SentryIssueState } from './subjects.js';

/** What each lifecycle action says the issue became; actions that are not a state (assigned) add nothing. */
function transitionOf(action: string, substatus: string | undefined): IssueTransition['status'] | undefined {
  switch (action) {
    case 'created':
      return 'new';
    case 'resolved':
      return 'resolved';
    case 'unresolved':
      return substatus === 'regressed' ? 'regressed' : 'unresolved';
    case 'archived':
    case 'ignored':
      return 'archived';
    default:
      return undefined;
  }
}

/**
 * The `statusHistory` patch of one lifecycle event. `by` names a person only: an integration (which
 * may be our own button's echo) or Sentry itself is left out.
 */
export function issueHistoryPatch(
  eventId: string,
  action: string,
  time: string,
  actor: Pick<Actor, 'type' | 'name'> | null,
  substatus?: string,
): Pick<SentryIssueState, 'statusHistory'> {
  const status = transitionOf(action, substatus);
  if (!status) return {};
  const by = actor?.type === 'user' && actor.name.trim() ? actor.name.trim().slice(0, 100) : undefined;
  return { statusHistory: { [eventId]: { at: time, status, ...(by ? { by } : {}) } } };
}
