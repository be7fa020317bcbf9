/**
 * The link events our worker derives (src/delivery/thread-links.ts): one reply in one thread that
 * points at another thread of the same channel. Their payloads name both ends by Sentry ids (see
 * schema-link.ts); the thread keys are made here, as for Sentry's own deliveries.
 */

import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, opt } from '../kit/normalize.js';
import { idString, mapActor, pickTime, routingOf } from './normalize-common.js';
import type { SentryIssueSeerLinkPayload, SentryPreprodSeerLinkPayload, SentrySeerBuildsLinkPayload } from './schema-link.js';
import { sentryThreadKeys, type SentryDraft } from './subjects.js';

export function normalizeIssueSeerLink<T extends 'sentry.issue.seer_linked'>(
  type: T,
  p: SentryIssueSeerLinkPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.issue'> {
  const d = p.data;
  const groupId = String(d.group_id).trim();
  const runId = String(d.run_id).trim();
  return buildEvent(type, meta, {
    subjectId: groupId,
    threadKey: sentryThreadKeys.issue(groupId),
    routing: routingOf(p, { groupId, org: opt(d.org), project: opt(d.project) }),
    time: pickTime(meta),
    actor: mapActor(p.actor),
    title: `Seer started a run on issue ${groupId}`,
    state: { issueId: groupId },
    detail: { link: { threadKey: sentryThreadKeys.seer(runId), about: 'seer_run', label: `run ${runId}` } },
  });
}

export function normalizeSeerBuildsLink<T extends 'sentry.seer.builds_linked'>(
  type: T,
  p: SentrySeerBuildsLinkPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.seer'> {
  const d = p.data;
  const groupId = String(d.group_id).trim();
  const runId = String(d.run_id).trim();
  const pr = `${d.pull_request.repo}#${String(d.pull_request.number)}`;
  return buildEvent(type, meta, {
    subjectId: runId,
    threadKey: sentryThreadKeys.seer(runId),
    routing: routingOf(p, { groupId, org: opt(d.org), project: opt(d.project) }),
    time: pickTime(meta),
    actor: mapActor(p.actor),
    title: `Builds of ${pr} arrived`,
    state: { runId, groupId },
    detail: {
      link: { threadKey: sentryThreadKeys.preprodPr(d.pull_request.repo, d.pull_request.number), about: 'pull_request_builds', label: pr },
    },
  });
}

export function normalizePreprodSeerLink<T extends 'sentry.preprod_artifact.seer_linked'>(
  type: T,
  p: SentryPreprodSeerLinkPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.preprod'> {
  const d = p.data;
  const runId = String(d.run_id).trim();
  const subjectId = `${d.pull_request.repo}#${String(d.pull_request.number)}`;
  return buildEvent(type, meta, {
    subjectId,
    threadKey: sentryThreadKeys.preprodPr(d.pull_request.repo, d.pull_request.number),
    routing: routingOf(p, compact({ org: opt(d.org), project: opt(d.project), groupId: idString(d.group_id) })),
    time: pickTime(meta),
    actor: mapActor(p.actor),
    title: `Seer opened ${subjectId}`,
    state: compact({ subjectId, org: opt(d.org), project: opt(d.project) }),
    detail: { link: { threadKey: sentryThreadKeys.seer(runId), about: 'seer_run', label: `run ${runId}` } },
  });
}
