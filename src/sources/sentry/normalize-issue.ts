/** Issue-threaded Sentry events: issue lifecycle, error.created, event_alert.triggered, comments. */

import { sentryThreadKeys, type SentryDraft, type SentryIssueState } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { idString, mapActor, pickTime, toIso, toNumber, routingOf } from './normalize-common.js';
import { eventGroupId, type SentryCommentPayload, type SentryErrorPayload, type SentryEventAlertPayload } from './schema.js';
import { type SentryEventBody, type SentryIssuePayload } from './schema.js';
import { factsFromUrls } from './urls.js';
import { stackOf } from './normalize-stack.js';
import { alertRoutingFields, issueAlertChoices } from './alert-settings.js';
import { issueHistoryPatch } from './issue-history.js';

export type IssueLifecycleType =
  | 'sentry.issue.created'
  | 'sentry.issue.resolved'
  | 'sentry.issue.assigned'
  | 'sentry.issue.archived'
  | 'sentry.issue.unresolved'
  | 'sentry.issue.ignored';

/** Status each lifecycle action implies, whatever the (possibly lagging) issue snapshot says. */
const STATUS_OF_ACTION: Record<string, string> = {
  resolved: 'resolved',
  unresolved: 'unresolved',
  ignored: 'ignored',
  archived: 'ignored',
};

export function normalizeIssue<T extends IssueLifecycleType>(
  type: T,
  p: SentryIssuePayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.issue'> {
  const action = type.slice('sentry.issue.'.length);
  const issue = p.data.issue;
  const issueId = String(issue.id).trim();
  const urls = factsFromUrls([issue.permalink, issue.web_url, issue.url]);
  const project = opt(issue.project?.slug) ?? urls.project;
  const actor = mapActor(p.actor);
  const state: Partial<SentryIssueState> = {
    issueId,
    shortId: opt(issue.shortId),
    title: opt(issue.title),
    culprit: opt(issue.culprit),
    level: opt(issue.level),
    status: STATUS_OF_ACTION[action] ?? opt(issue.status) ?? (action === 'created' ? 'unresolved' : undefined),
    substatus: opt(issue.substatus),
    org: urls.org,
    project,
    platform: opt(issue.platform),
    firstSeen: toIso(issue.firstSeen),
    lastSeen: toIso(issue.lastSeen),
    count: toNumber(issue.count),
    userCount: toNumber(issue.userCount),
    permalink: opt(issue.permalink) ?? opt(issue.web_url),
    lastChangeBy: action !== 'created' && actor ? actor.name : undefined,
  };
  // Present-but-null assignedTo means "nobody": keep it so an unassign clears the card.
  if ('assignedTo' in issue) {
    const a = issue.assignedTo;
    state.assignee = a ? compact({ type: opt(a.type), id: idString(a.id), name: opt(a.name), email: opt(a.email) }) : null;
  }
  const statusDetails = issue.statusDetails && Object.keys(issue.statusDetails).length ? issue.statusDetails : undefined;
  // A lifecycle change happens when Sentry sends it; lastSeen is about events, not changes.
  const time = pickTime(meta, meta.sourceTimestamp, action === 'created' ? issue.firstSeen : undefined);
  Object.assign(state, issueHistoryPatch(meta.deliveryId, action, time, actor, opt(issue.substatus)));
  return buildEvent(type, meta, {
    subjectId: issueId,
    threadKey: sentryThreadKeys.issue(issueId),
    routing: routingOf(p, { groupId: issueId, org: urls.org, project }),
    time,
    actor,
    title: opt(issue.title) || opt(issue.shortId) || `Issue ${issueId}`,
    links: links(['Open in Sentry', opt(issue.permalink) ?? opt(issue.web_url)]),
    filters: { level: opt(issue.level) },
    state: compact(state),
    detail: compact({ action, statusDetails }),
  });
}

/** Tag value from `[[k, v], …]` or `[{key, value}, …]`. */
function tagValue(tags: unknown[] | null | undefined, key: string): string | undefined {
  for (const t of tags ?? []) {
    if (Array.isArray(t) && t[0] === key && typeof t[1] === 'string') return t[1];
    if (t && typeof t === 'object' && (t as { key?: unknown }).key === key) {
      const v = (t as { value?: unknown }).value;
      if (typeof v === 'string') return v;
    }
  }
  return undefined;
}

export function normalizeSentryEvent<T extends 'sentry.error.created' | 'sentry.event_alert.triggered'>(
  type: T,
  p: SentryErrorPayload | SentryEventAlertPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.issue'> {
  const ev: SentryEventBody = 'error' in p.data ? (p.data as SentryErrorPayload['data']).error : p.data.event;
  const triggeredRule =
    type === 'sentry.event_alert.triggered'
      ? (opt((p.data as SentryEventAlertPayload['data']).triggered_rule) ??
        opt((p.data as SentryEventAlertPayload['data']).issue_alert?.title))
      : undefined;
  const groupId = eventGroupId(ev) as string; // the schema refuses events without one
  const urls = factsFromUrls([ev.url, ev.web_url, ev.issue_url]);
  // `project` is a numeric id in real payloads; only a non-numeric value can be a slug.
  const projectField = typeof ev.project === 'string' && !/^\d+$/.test(ev.project) ? ev.project : undefined;
  const project = urls.project ?? projectField;
  const level = opt(ev.level) ?? tagValue(ev.tags, 'level');
  const environment = opt(ev.environment) ?? tagValue(ev.tags, 'environment');
  const release = opt(ev.release) ?? tagValue(ev.tags, 'release');
  const time = pickTime(meta, ev.datetime, ev.timestamp);
  const title = opt(ev.title) || opt(ev.message) || `Event in issue ${groupId}`;
  return buildEvent(type, meta, {
    subjectId: groupId,
    threadKey: sentryThreadKeys.issue(groupId),
    routing: routingOf(p, {
      groupId,
      org: urls.org,
      project,
      ...alertRoutingFields(
        type === 'sentry.event_alert.triggered' ? issueAlertChoices((p.data as SentryEventAlertPayload['data']).issue_alert?.settings) : [],
      ),
    }),
    time,
    actor: mapActor(p.actor),
    title,
    links: links(['Open event', opt(ev.web_url)]),
    filters: { level, environment },
    state: compact({
      issueId: groupId,
      title: opt(ev.title),
      culprit: opt(ev.culprit),
      level,
      org: urls.org,
      project,
      platform: opt(ev.platform),
      lastSeen: time,
    }),
    detail: {
      error: compact({
        eventId: opt(ev.event_id) ?? idString(ev.id),
        message: opt(ev.message) || undefined,
        level,
        environment,
        release,
        platform: opt(ev.platform),
        url: opt(ev.web_url),
        triggeredRule,
        stack: stackOf(ev.exception),
      }),
    },
  });
}

export function normalizeComment<T extends 'sentry.comment.created' | 'sentry.comment.updated' | 'sentry.comment.deleted'>(
  type: T,
  p: SentryCommentPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.issue'> {
  const d = p.data;
  const nested = typeof d.comment === 'object' && d.comment ? d.comment : undefined;
  const issueId = (idString(d.issue_id) ?? idString(nested?.issue_id)) as string; // the schema refuses comments without one
  const text = typeof d.comment === 'string' ? d.comment : opt(nested?.text);
  const project = opt(d.project_slug);
  const actor = mapActor(p.actor);
  const verb = {
    'sentry.comment.created': 'commented',
    'sentry.comment.updated': 'edited a comment',
    'sentry.comment.deleted': 'deleted a comment',
  }[type];
  return buildEvent(type, meta, {
    subjectId: issueId,
    threadKey: sentryThreadKeys.issue(issueId),
    routing: routingOf(p, { groupId: issueId, project }),
    time: pickTime(meta, d.timestamp, nested?.timestamp),
    actor,
    title: `${actor?.name ?? 'Someone'} ${verb} on issue ${issueId}`,
    state: compact({ issueId, project }),
    detail: { comment: compact({ id: idString(d.comment_id) ?? idString(nested?.id), text }) },
  });
}
