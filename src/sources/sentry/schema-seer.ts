/** Schema of Seer Issue Fix deliveries. */

import { z } from 'zod';
import { envelope, numLike, optId, sentryId, str } from './schema-common.js';

export const seerSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    run_id: sentryId,
    group_id: sentryId,
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
      })
      .nullish(),
    solution: z.looseObject({ description: str, steps: z.array(z.looseObject({ title: str })).nullish() }).nullish(),
    changes: z
      .array(z.looseObject({ repo_name: str, title: str, description: str, diff: str, branch_name: str }))
      .nullish(),
    pull_requests: z
      .array(
        z.looseObject({
          pull_request: z.looseObject({ pr_number: numLike, pr_url: str, pr_id: optId }).nullish(),
          repo_name: str,
          provider: str,
        }),
      )
      .nullish(),
  }),
});

