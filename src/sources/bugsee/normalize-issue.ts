/** Bugsee `issue.*` and `unsymbolicated.created` → one thread per (app key, issue key). */

import type { Actor } from '../../events.js';
import { bugseeThreadKeys, type BugseeDraft, type BugseeIssueDetail, type BugseeIssueState } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { appFields, eventTime, BUGSEE_SYSTEM_ACTOR, actorOf, personOf } from './normalize-common.js';
import type { BugseeEnvelope, BugseePayloads } from './schema.js';

export type BugseeIssueEventType =
  | 'bugsee.issue.created'
  | 'bugsee.issue.updated'
  | 'bugsee.issue.closed'
  | 'bugsee.issue.reopened'
  | 'bugsee.issue.regressed'
  | 'bugsee.issue.deleted'
  | 'bugsee.issue.comment'
  | 'bugsee.unsymbolicated.created';

type IssuePayload = BugseePayloads['bugsee.issue.created'];
type Issue = IssuePayload['issue'];

/** At most this many recordings become link buttons; the card has room for a few. */
const MAX_RECORDING_LINKS = 3;

function actorFor(type: BugseeIssueEventType, issue: Issue, commentBy: Actor | null): Actor | null {
  switch (type) {
    case 'bugsee.issue.created':
      return actorOf(issue.created_by);
    case 'bugsee.issue.updated':
      return actorOf(issue.updated_by);
    case 'bugsee.issue.closed':
      return actorOf(issue.closed_by);
    case 'bugsee.issue.reopened':
      return actorOf(issue.reopened_by);
    case 'bugsee.issue.deleted':
      return actorOf(issue.deleted_by);
    case 'bugsee.issue.comment':
      return commentBy;
    // Bugsee detects regressions and missing symbols itself; `created_by` there is the reporter.
    case 'bugsee.issue.regressed':
    case 'bugsee.unsymbolicated.created':
      return BUGSEE_SYSTEM_ACTOR;
  }
}

function titleFor(type: BugseeIssueEventType, issue: Issue): string {
  const key = issue.key;
  const summary = opt(issue.summary)?.trim();
  const tail = summary ? `: ${summary}` : '';
  switch (type) {
    case 'bugsee.issue.created':
      return `New ${opt(issue.type) ?? 'issue'} ${key}${tail}`;
    case 'bugsee.issue.updated':
      return `${key} updated${tail}`;
    case 'bugsee.issue.closed':
      return `${key} closed${tail}`;
    case 'bugsee.issue.reopened':
      return `${key} reopened${tail}`;
    case 'bugsee.issue.regressed':
      return `${key} regressed${tail}`;
    case 'bugsee.issue.deleted':
      return `${key} deleted${tail}`;
    case 'bugsee.issue.comment':
      return `New comment on ${key}${tail}`;
    case 'bugsee.unsymbolicated.created':
      return `${key} is missing symbols${tail}`;
  }
}

/** The payload's `state`, corrected by what the event itself says happened. */
function stateFor(type: BugseeIssueEventType, issue: Issue): string | undefined {
  if (type === 'bugsee.issue.closed') return 'closed';
  if (type === 'bugsee.issue.reopened' || type === 'bugsee.issue.regressed') return 'open';
  return opt(issue.state);
}

const CHANGES_STATE: ReadonlySet<BugseeIssueEventType> = new Set([
  'bugsee.issue.updated',
  'bugsee.issue.closed',
  'bugsee.issue.reopened',
  'bugsee.issue.regressed',
  'bugsee.issue.deleted',
]);

export function normalizeIssue<T extends BugseeIssueEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  payload: IssuePayload,
  detail: BugseeIssueDetail,
  commentBy: Actor | null = null,
): BugseeDraft<T, 'bugsee.issue'> {
  const { app, issue } = payload;
  const actor = actorFor(type, issue, commentBy);
  const recordings = (issue.recordings ?? [])
    .filter((r): r is typeof r & { key: string } => typeof r.key === 'string' && r.key !== '')
    .map((r) => compact({ key: r.key, url: opt(r.url) }));

  const state: Partial<BugseeIssueState> = compact({
    ...appFields(app),
    issueKey: issue.key,
    summary: opt(issue.summary),
    description: opt(issue.description),
    issueType: opt(issue.type),
    state: stateFor(type, issue),
    severity: opt(issue.severity),
    labels: opt(issue.labels),
    url: opt(issue.url),
    reporter: personOf(issue.created_by),
    recordings: issue.recordings ? recordings : undefined,
    regressed: type === 'bugsee.issue.regressed' ? true : undefined,
    deleted: type === 'bugsee.issue.deleted' ? true : undefined,
    missingSymbols: type === 'bugsee.unsymbolicated.created' ? true : undefined,
    lastChangeBy: CHANGES_STATE.has(type) && actor ? actor.name : undefined,
  });

  const parts = {
    subjectId: `${app.key}:${issue.key}`,
    threadKey: bugseeThreadKeys.issue(app.key, issue.key),
    routing: { appKey: app.key },
    actor,
    title: titleFor(type, issue),
    // A deleted issue's pages are gone; only the app link still leads somewhere.
    links:
      type === 'bugsee.issue.deleted'
        ? links([opt(app.name) ?? app.key, app.url])
        : links(
            ['Open in Bugsee', issue.url],
            ...recordings.slice(0, MAX_RECORDING_LINKS).map((r): [string, string | undefined] => [`Recording ${r.key}`, r.url]),
            [opt(app.name) ?? app.key, app.url],
          ),
    filters: { severity: opt(issue.severity) },
    state,
    detail,
  };
  return buildEvent(type, meta, { ...parts, time: eventTime(envelope.created_on, meta) });
}
