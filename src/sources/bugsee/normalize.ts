/**
 * Bugsee delivery → `Event`. Pure: no I/O, no clock (times come from the envelope and `meta`).
 *
 * Thread keys: `issue.*` and `unsymbolicated.created` → app key + issue key; feedback → app key +
 * device id (in and out share it); `build.*` → app key + build uuid (both `build.created` phases
 * share it). `app.*` and `user.*` are standalone messages (`threadKey: null`).
 */

import type { AnyEvent, BugseeEventType, EventType } from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildInputOf, normalizeBuild } from './normalize-build.js';
import { actorOf, changesOf, compact, personOf } from './normalize-common.js';
import { normalizeFeedback } from './normalize-feedback.js';
import { normalizeIssue } from './normalize-issue.js';
import { normalizeApp, normalizeUser } from './normalize-org.js';
import type { BugseeEnvelope, BugseePayloads } from './schema.js';

function payloadOf<T extends BugseeEventType>(envelope: BugseeEnvelope, _type: T): BugseePayloads[T] {
  // `parse` validated the payload against the schema of exactly this type.
  return envelope.payload as BugseePayloads[T];
}

export function normalizeBugsee(type: EventType, envelope: BugseeEnvelope, meta: NormalizeMeta): AnyEvent {
  switch (type) {
    case 'bugsee.app.created':
    case 'bugsee.app.updated':
    case 'bugsee.app.deleted':
      return normalizeApp(type, envelope, meta, payloadOf(envelope, 'bugsee.app.updated')) as AnyEvent;

    case 'bugsee.user.created':
    case 'bugsee.user.updated':
    case 'bugsee.user.deleted':
      return normalizeUser(type, envelope, meta, payloadOf(envelope, 'bugsee.user.updated')) as AnyEvent;

    case 'bugsee.issue.updated': {
      const payload = payloadOf(envelope, type);
      return normalizeIssue(type, envelope, meta, payload, compact({ changes: changesOf(payload.changes) })) as AnyEvent;
    }
    case 'bugsee.issue.comment': {
      const payload = payloadOf(envelope, type);
      const { comment } = payload;
      const author = personOf(comment.created_by);
      const detail = { comment: compact({ text: comment.text ?? '', author }) };
      return normalizeIssue(type, envelope, meta, payload, detail, actorOf(comment.created_by)) as AnyEvent;
    }
    case 'bugsee.issue.created':
    case 'bugsee.issue.closed':
    case 'bugsee.issue.reopened':
    case 'bugsee.issue.regressed':
    case 'bugsee.issue.deleted':
    case 'bugsee.unsymbolicated.created':
      return normalizeIssue(type, envelope, meta, payloadOf(envelope, type), {}) as AnyEvent;

    case 'bugsee.feedback.message.in':
    case 'bugsee.feedback.message.out':
      return normalizeFeedback(type, envelope, meta, payloadOf(envelope, type)) as AnyEvent;

    case 'bugsee.build.created':
    case 'bugsee.build.deleted':
      return normalizeBuild(type, envelope, meta, buildInputOf(type, envelope.payload)) as AnyEvent;

    default:
      throw new Error(`normalizeBugsee: ${type} is not a Bugsee event type`);
  }
}
