/**
 * Every Bugsee event type, and what each one is: the envelope schema its body must pass, its
 * normalizer, the subject its thread is about, and the subscription kind it belongs to. A new
 * event type is a payload schema, a row here, a template row and a fixture.
 */

import type { NormalizeMeta } from '../../ingest/types.js';
import { eventTable } from '../kit/table.js';
import { normalizeBuild } from './normalize-build.js';
import { compact } from '../kit/normalize.js';
import { actorOf, changesOf, personOf } from './normalize-common.js';
import { normalizeFeedback, type BugseeFeedbackEventType } from './normalize-feedback.js';
import { normalizeIssue, type BugseeIssueEventType } from './normalize-issue.js';
import { normalizeApp, normalizeUser, type BugseeAppEventType, type BugseeUserEventType } from './normalize-org.js';
import { BUGSEE_ENVELOPES as E, type BugseeEnvelope } from './schema.js';
import type { BugseeSubjects } from './subjects.js';

type PlainIssueType = Exclude<BugseeIssueEventType, 'bugsee.issue.updated' | 'bugsee.issue.comment'>;

const app = <T extends BugseeAppEventType>(type: T, e: BugseeEnvelope<T>, meta: NormalizeMeta) => normalizeApp(type, e, meta, e.payload);
const user = <T extends BugseeUserEventType>(type: T, e: BugseeEnvelope<T>, meta: NormalizeMeta) => normalizeUser(type, e, meta, e.payload);
const issue = <T extends PlainIssueType>(type: T, e: BugseeEnvelope<T>, meta: NormalizeMeta) =>
  normalizeIssue(type, e, meta, e.payload, {});
const feedback = <T extends BugseeFeedbackEventType>(type: T, e: BugseeEnvelope<T>, meta: NormalizeMeta) =>
  normalizeFeedback(type, e, meta, e.payload);

const issueUpdated = (type: 'bugsee.issue.updated', e: BugseeEnvelope<'bugsee.issue.updated'>, meta: NormalizeMeta) =>
  normalizeIssue(type, e, meta, e.payload, compact({ changes: changesOf(e.payload.changes) }));
const issueComment = (type: 'bugsee.issue.comment', e: BugseeEnvelope<'bugsee.issue.comment'>, meta: NormalizeMeta) => {
  const { comment } = e.payload;
  const detail = { comment: compact({ text: comment.text ?? '', author: personOf(comment.created_by) }) };
  return normalizeIssue(type, e, meta, e.payload, detail, actorOf(comment.created_by));
};
const buildCreated = (type: 'bugsee.build.created', e: BugseeEnvelope<'bugsee.build.created'>, meta: NormalizeMeta) => {
  const { app: a, build } = e.payload;
  return normalizeBuild(type, e, meta, { app: a, current: build.current, previous: build.previous });
};
const buildDeleted = (type: 'bugsee.build.deleted', e: BugseeEnvelope<'bugsee.build.deleted'>, meta: NormalizeMeta) =>
  normalizeBuild(type, e, meta, { app: e.payload.app, current: e.payload.build, deletedBy: e.payload.deleted_by });

export const BUGSEE_EVENTS = eventTable<BugseeSubjects>()({
  'bugsee.app.created': { schema: E['bugsee.app.created'], normalize: app, subject: 'bugsee.app', kind: 'app' },
  'bugsee.app.updated': { schema: E['bugsee.app.updated'], normalize: app, subject: 'bugsee.app', kind: 'app' },
  'bugsee.app.deleted': { schema: E['bugsee.app.deleted'], normalize: app, subject: 'bugsee.app', kind: 'app' },
  'bugsee.issue.created': { schema: E['bugsee.issue.created'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.updated': { schema: E['bugsee.issue.updated'], normalize: issueUpdated, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.closed': { schema: E['bugsee.issue.closed'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.reopened': { schema: E['bugsee.issue.reopened'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.regressed': { schema: E['bugsee.issue.regressed'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.deleted': { schema: E['bugsee.issue.deleted'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.issue.comment': { schema: E['bugsee.issue.comment'], normalize: issueComment, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.user.created': { schema: E['bugsee.user.created'], normalize: user, subject: 'bugsee.user', kind: 'user' },
  'bugsee.user.updated': { schema: E['bugsee.user.updated'], normalize: user, subject: 'bugsee.user', kind: 'user' },
  'bugsee.user.deleted': { schema: E['bugsee.user.deleted'], normalize: user, subject: 'bugsee.user', kind: 'user' },
  'bugsee.unsymbolicated.created': { schema: E['bugsee.unsymbolicated.created'], normalize: issue, subject: 'bugsee.issue', kind: 'issue' },
  'bugsee.feedback.message.in': {
    schema: E['bugsee.feedback.message.in'],
    normalize: feedback,
    subject: 'bugsee.feedback',
    kind: 'feedback',
  },
  'bugsee.feedback.message.out': {
    schema: E['bugsee.feedback.message.out'],
    normalize: feedback,
    subject: 'bugsee.feedback',
    kind: 'feedback',
  },
  'bugsee.build.created': { schema: E['bugsee.build.created'], normalize: buildCreated, subject: 'bugsee.build', kind: 'build' },
  'bugsee.build.deleted': { schema: E['bugsee.build.deleted'], normalize: buildDeleted, subject: 'bugsee.build', kind: 'build' },
});

export type BugseeEventType = keyof typeof BUGSEE_EVENTS;

/** Subscription kinds, in the order help and errors list them. */
export const BUGSEE_KINDS = ['issue', 'feedback', 'build', 'app', 'user'] as const;
