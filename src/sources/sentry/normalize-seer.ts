/** Seer Issue Fix runs: one thread per run, each stage adds to the card. */

import { sentryThreadKeys, type SentryDraft, type SeerPullRequest, type SeerStage, type SeerState } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { idString, mapActor, pickTime, toNumber, routingOf } from './normalize-common.js';
import type { SentrySeerPayload } from './schema.js';
import { agentChanges, agentRootCause, agentSolution } from './normalize-seer-agent.js';

export type SeerType = `sentry.seer.${SeerStage}`;

const STAGE_TITLE: Record<SeerStage, string> = {
  root_cause_started: 'root cause analysis started',
  root_cause_completed: 'root cause found',
  solution_started: 'working on a solution',
  solution_completed: 'solution proposed',
  coding_started: 'writing a fix',
  coding_completed: 'code changes ready',
  pr_created: 'pull request opened',
  pr_ready_for_review: 'pull request ready for review',
};

/** Files a unified diff touches: `+++ b/path`, or `--- a/path` when the file was deleted. */
export function diffFiles(diff: string | null | undefined): string[] {
  if (!diff) return [];
  const files: string[] = [];
  let removed: string | undefined;
  for (const line of diff.split(/\r?\n/)) {
    if (line.startsWith('--- ')) removed = line.slice(4).replace(/^a\//, '').trim();
    else if (line.startsWith('+++ ')) {
      const added = line.slice(4).trim();
      const file = added === '/dev/null' ? removed : added.replace(/^b\//, '');
      if (file && file !== '/dev/null' && !files.includes(file)) files.push(file);
      removed = undefined;
    }
  }
  return files;
}

/** "N/A" is Seer's way of saying there is no file. */
function realPath(v: string | null | undefined): string | undefined {
  return v && v !== 'N/A' ? v : undefined;
}

export function normalizeSeer<T extends SeerType>(type: T, p: SentrySeerPayload, meta: NormalizeMeta): SentryDraft<T, 'sentry.seer'> {
  const stage = type.slice('sentry.seer.'.length) as SeerStage;
  const d = p.data;
  // Agent-based runs also name their UUID; the numeric id stays the thread's key when present,
  // so both shapes of one run meet in one thread.
  const sentryRunId = d.sentry_run_id?.trim() || undefined;
  const runId = idString(d.run_id) ?? sentryRunId ?? ''; // the schema refuses a delivery with neither
  const groupId = String(d.group_id).trim();
  const time = pickTime(meta);
  const state: Partial<SeerState> = compact({ runId, sentryRunId, groupId, stages: { [stage]: time } });
  if (d.root_cause) {
    state.rootCause = agentRootCause(
      d.root_cause,
      (d.root_cause.steps ?? []).map((s) =>
        compact({
          title: opt(s.title) ?? '',
          important: s.is_most_important_event ?? undefined,
          file: realPath(s.relevant_code_file?.file_path),
          repo: realPath(s.relevant_code_file?.repo_name),
        }),
      ),
    );
  }
  if (d.solution) state.solution = agentSolution(d.solution);
  if (d.code_changes) state.changes = agentChanges(d.code_changes);
  else if (d.changes) {
    state.changes = d.changes.map((c) =>
      compact({
        repo: opt(c.repo_name),
        title: opt(c.title),
        description: opt(c.description),
        branch: opt(c.branch_name),
        files: diffFiles(c.diff),
      }),
    );
  }
  const prs: SeerPullRequest[] | undefined = d.pull_requests?.map((pr) =>
    compact({
      number: toNumber(pr.pull_request?.pr_number),
      url: opt(pr.pull_request?.pr_url),
      id: idString(pr.pull_request?.pr_id),
      repo: opt(pr.repo_name),
      provider: opt(pr.provider),
    }),
  );
  if (prs) state.pullRequests = prs;
  return buildEvent(type, meta, {
    subjectId: runId,
    threadKey: sentryThreadKeys.seer(runId),
    routing: routingOf(p, { groupId }),
    time,
    actor: mapActor(p.actor),
    title: `Seer on issue ${groupId}: ${STAGE_TITLE[stage]}`,
    links: links(
      ...(prs ?? []).map((pr): [string, string | undefined] => [
        `PR${pr.number !== undefined ? ` #${pr.number}` : ''}${pr.repo ? ` (${pr.repo})` : ''}`,
        pr.url,
      ]),
    ),
    state,
    detail: { stage },
  });
}
