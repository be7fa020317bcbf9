/**
 * Which Sentry threads point at each other (the core's side is src/delivery/thread-links.ts):
 * - a Seer run and its issue: the issue's thread gets a reply linking to the run's thread, and the
 *   run's card links back to the issue's thread;
 * - a Seer pull request and its builds (preprod artifacts of the same repository and PR number):
 *   the build thread and the run's thread each get a reply linking to the other.
 * A build knows its run from the runtime (`routing.seerRunId`, recorded when the run named the
 * PR); a run knows its PRs from its own state.
 */

import type { PipelineEvent } from '../../events.js';
import type { ThreadLinkSpec } from '../kit/definition.js';
import { SENTRY_DERIVED_TYPES } from './events.js';
import { sentryThreadKeys, type PreprodState, type SeerState, type ThreadLinkDetail } from './subjects.js';

type Routing = PipelineEvent['routing'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** The envelope and routing facts every link payload carries: the trigger's own, so the link reaches where it did. */
function payload(action: string, r: Routing, data: Record<string, unknown>): Record<string, unknown> {
  return {
    action,
    installation: r.installationUuid ? { uuid: r.installationUuid } : null,
    data: { ...data, org: str(r.org) ?? null, project: str(r.project) ?? null },
  };
}

/** The two links between a run's thread and its pull request's build thread. */
function prLinks(r: Routing, run: { runId: string; groupId: string }, pr: { repo: string; number: number | string }): ThreadLinkSpec[] {
  const data = { group_id: run.groupId, run_id: run.runId, pull_request: { repo: pr.repo, number: pr.number } };
  const runKey = sentryThreadKeys.seer(run.runId);
  const prKey = sentryThreadKeys.preprodPr(pr.repo, pr.number);
  return [
    { type: 'sentry.preprod_artifact.seer_linked', into: prKey, from: runKey, payload: payload('seer_linked', r, data) },
    { type: 'sentry.seer.builds_linked', into: runKey, from: prKey, payload: payload('builds_linked', r, data) },
  ];
}

export function sentryThreadLinks(event: PipelineEvent): ThreadLinkSpec[] {
  if (SENTRY_DERIVED_TYPES.has(event.type)) return [];
  const r = event.routing;
  if (event.subject.kind === 'sentry.seer') {
    const s = event.state as Partial<SeerState>;
    const runId = str(s.runId) ?? event.subject.id;
    const groupId = str(s.groupId) ?? str(r.groupId);
    if (!groupId) return [];
    const issue: ThreadLinkSpec = {
      type: 'sentry.issue.seer_linked',
      into: sentryThreadKeys.issue(groupId),
      from: sentryThreadKeys.seer(runId),
      payload: payload('seer_linked', r, { group_id: groupId, run_id: runId }),
    };
    const prs = (s.pullRequests ?? []).flatMap((pr) =>
      pr.repo && pr.number !== undefined ? prLinks(r, { runId, groupId }, { repo: pr.repo, number: pr.number }) : [],
    );
    return [issue, ...prs];
  }
  if (event.subject.kind === 'sentry.preprod') {
    const git = (event.state as Partial<PreprodState>).git;
    const runId = str(r.seerRunId);
    const groupId = str(r.seerGroupId);
    if (!runId || !groupId || !git?.headRepoName || git.prNumber === undefined || git.prNumber === null) return [];
    return prLinks(r, { runId, groupId }, { repo: git.headRepoName, number: git.prNumber });
  }
  return [];
}

/** A link event's other end; a Seer run's issue (its card links back to the issue's thread). */
export function sentryLinkedThreads(event: PipelineEvent): string[] {
  const link = (event.detail as { link?: ThreadLinkDetail } | null)?.link;
  if (SENTRY_DERIVED_TYPES.has(event.type)) return link?.threadKey ? [link.threadKey] : [];
  if (event.subject.kind !== 'sentry.seer') return [];
  const groupId = str((event.state as Partial<SeerState>).groupId) ?? str(event.routing.groupId);
  return groupId ? [sentryThreadKeys.issue(groupId)] : [];
}
