/**
 * After a button's API call succeeded: the card and the thread learn of it through the normal
 * delivery code, as a synthetic event, and the source's own webhook for the same change (its
 * "echo") is marked so it updates the card without a second reply.
 */

import type { Actor, DeliverableEventType, Event } from '../events.js';
import type { SentryIssueDetail, SentryIssueState } from '../sources/sentry/subjects.js';
import type { BugseeFeedbackState, BugseeIssueState } from '../sources/bugsee/subjects.js';
import { KIND_OF, SUBJECT_OF } from '../sources/catalog.js';
import type { DeliverDirect } from '../delivery/direct.js';
import type { KeyValue } from '../store/store.js';
import type { Click } from './actions-guard.js';

/**
 * Ids of the events buttons make. The delivery can tell them from webhooks by it: an echo record
 * must never swallow the reply of the very click that wrote it.
 */
export { BUTTON_EVENT_PREFIX as ACTION_EVENT_PREFIX } from '../delivery/threads.js';
import { BUTTON_EVENT_PREFIX as ACTION_EVENT_PREFIX } from '../delivery/threads.js';
import { echoKey } from '../store/keys.js';
import { issueHistoryPatch } from '../sources/sentry/issue-history.js';

/** How long a recorded echo waits for the source's webhook. */
export const ECHO_TTL_SECONDS = 3600;

export { echoKey } from '../store/keys.js';

function actorOf(click: Click): Actor {
  return { type: 'user', id: click.user.id, name: click.user.name };
}

type Patch<T extends DeliverableEventType> = {
  type: T;
  subjectId: string;
  routing: Event['routing'];
  title: string;
  state: Event<T>['state'];
  detail: Event<T>['detail'];
};

/** A normalized event for a change made from Slack, threaded like the webhook it stands for. */
export function syntheticEvent<T extends DeliverableEventType>(click: Click, patch: Patch<T>, now: Date = new Date()): Event<T> {
  const time = now.toISOString();
  return {
    id: `${ACTION_EVENT_PREFIX}${click.actionTs}`,
    type: patch.type,
    source: patch.type.slice(0, patch.type.indexOf('.')),
    kind: KIND_OF[patch.type],
    subject: { kind: SUBJECT_OF[patch.type] as Event<T>['subject']['kind'], id: patch.subjectId },
    threadKey: click.thread.threadKey,
    routing: patch.routing,
    time,
    receivedAt: time,
    actor: actorOf(click),
    title: patch.title,
    links: [],
    filters: {},
    state: patch.state,
    detail: patch.detail,
  };
}

export function sentryIssueEvent(
  click: Click,
  ids: { org: string; issueId: string },
  type: 'sentry.issue.resolved' | 'sentry.issue.unresolved' | 'sentry.issue.archived' | 'sentry.issue.assigned',
  state: Partial<SentryIssueState>,
  detail: SentryIssueDetail,
) {
  const title = typeof click.thread.state.title === 'string' ? click.thread.state.title : `Issue ${ids.issueId}`;
  const event = syntheticEvent(click, {
    type,
    subjectId: ids.issueId,
    routing: { org: ids.org, groupId: ids.issueId },
    title,
    state: { issueId: ids.issueId, org: ids.org, ...state, lastChangeBy: click.user.name },
    detail,
  });
  // The card's history learns of the click like of a webhook (the echo's own entry is folded into it).
  const history = issueHistoryPatch(event.id, type.slice('sentry.issue.'.length), event.time, actorOf(click));
  return { ...event, state: { ...event.state, ...history } };
}

export function bugseeIssueEvent(
  click: Click,
  ids: { appKey: string; issueKey: string },
  type: 'bugsee.issue.closed' | 'bugsee.issue.reopened',
  state: Partial<BugseeIssueState>,
) {
  const summary = typeof click.thread.state.summary === 'string' ? click.thread.state.summary : ids.issueKey;
  return syntheticEvent(click, {
    type,
    subjectId: `${ids.appKey}:${ids.issueKey}`,
    routing: { appKey: ids.appKey },
    title: summary,
    state: { appKey: ids.appKey, issueKey: ids.issueKey, ...state, lastChangeBy: click.user.name },
    detail: {},
  });
}

export function feedbackReplyEvent(click: Click, ids: { appKey: string; deviceId: string }, text: string, now: Date = new Date()) {
  const createdOn = now.toISOString();
  const state: Partial<BugseeFeedbackState> = {
    appKey: ids.appKey,
    deviceId: ids.deviceId,
    lastMessage: { text, createdOn, direction: 'out' },
  };
  return syntheticEvent(
    click,
    {
      type: 'bugsee.feedback.message.out',
      subjectId: `${ids.appKey}:${ids.deviceId}`,
      routing: { appKey: ids.appKey },
      title: 'Reply to feedback',
      state,
      detail: { direction: 'out', messages: [{ text, createdOn }], author: { name: click.user.name } },
    },
    now,
  );
}

/**
 * Marks the echoes first, then delivers: the source's webhook can arrive while our own reply is
 * still being posted, and must find the mark by then.
 */
export async function announce(
  deps: { store: Pick<KeyValue, 'setRecord' | 'deleteRecord'>; deliverDirect: DeliverDirect },
  click: Click,
  event: Parameters<DeliverDirect>[0],
  echoTypes: readonly string[],
): Promise<void> {
  const keys = echoTypes.map((type) => echoKey(click.teamId, click.channelId, click.thread.threadKey, type));
  // The echo keeps who clicked, so the webhook (whose actor is our app) doesn't turn "by @jane" into "by Threadline".
  const mark = { lastChangeBy: (event.state as { lastChangeBy?: string }).lastChangeBy ?? null };
  for (const key of keys) await deps.store.setRecord(key, mark, ECHO_TTL_SECONDS);
  try {
    await deps.deliverDirect(event, click.teamId, click.channelId);
  } catch (err) {
    // Our reply did not make it: let the source's webhook say it instead.
    for (const key of keys) await deps.store.deleteRecord(key).catch(() => undefined);
    throw err;
  }
}
