/**
 * Schema of Seer Issue Fix deliveries, in both shapes Sentry sends:
 * - the documented one (shared/specs/sentry-seer-webhooks.txt): `run_id`, a root cause with
 *   `steps`, a solution, `changes[]` with one diff per repository;
 * - the agent-based one (getsentry/sentry `src/sentry/seer/autofix/`: `on_completion_hook.py`,
 *   `artifact_schemas.py`, `pr_ready_for_review.py`): `sentry_run_id` (a UUID) beside `run_id`,
 *   a root cause with `one_line_description`, `five_whys` and `reproduction_steps`, a solution
 *   with `one_line_summary`, and `code_changes` keyed by repository, one entry per file with its
 *   diff and added/removed counts.
 */

import { z } from 'zod';
import { envelope, numLike, optId, sentryId, str } from './schema-common.js';

/** Lists of one-line texts; holes (null, "", a non-string) are dropped, not refused. */
const lines = z
  .array(z.unknown())
  .nullish()
  .transform((a) => (a == null ? undefined : a.filter((v): v is string => typeof v === 'string' && v.trim() !== '')));

const filePatch = z.looseObject({ diff: str, path: str, type: str, added: numLike, removed: numLike });

export const seerSchema = z.looseObject({
  ...envelope,
  data: z
    .looseObject({
      run_id: sentryId.nullish(),
      sentry_run_id: str,
      group_id: sentryId,
      iteration_index: numLike,
      root_cause: z
        .looseObject({
          description: str,
          steps: z
            .array(
              z.looseObject({
                title: str,
                is_most_important_event: z.boolean().nullish(),
                relevant_code_file: z.looseObject({ file_path: str, repo_name: str }).nullish(),
              }),
            )
            .nullish(),
          one_line_description: str,
          five_whys: lines,
          reproduction_steps: lines,
          relevant_repo: str,
        })
        .nullish(),
      solution: z
        .looseObject({
          description: str,
          one_line_summary: str,
          steps: z.array(z.looseObject({ title: str, description: str })).nullish(),
        })
        .nullish(),
      changes: z.array(z.looseObject({ repo_name: str, title: str, description: str, diff: str, branch_name: str })).nullish(),
      code_changes: z.record(z.string(), z.array(filePatch).nullish()).nullish(),
      pull_requests: z
        .array(
          z.looseObject({
            pull_request: z.looseObject({ pr_number: numLike, pr_url: str, pr_id: optId }).nullish(),
            repo_name: str,
            provider: str,
          }),
        )
        .nullish(),
    })
    .refine((d) => d.run_id != null || (typeof d.sentry_run_id === 'string' && d.sentry_run_id.trim() !== ''), {
      message: 'Seer delivery names no run (run_id or sentry_run_id)',
      path: ['run_id'],
    }),
});
