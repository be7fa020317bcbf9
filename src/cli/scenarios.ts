/**
 * Built-in replay stories, as fixture paths under `fixtures/`. Each tells one thread's life so the
 * threading (parent, replies, card updates) can be watched in a dry-run log or a real channel.
 */

export interface Scenario {
  description: string;
  files: string[];
}

export const SCENARIOS: Record<string, Scenario> = {
  'issue-lifecycle': {
    description: 'a Sentry issue: created, an error, a comment, assigned, resolved (one thread)',
    files: [
      'sentry/issue/created.json',
      'sentry/error/created.json',
      'sentry/comment/created.json',
      'sentry/issue/assigned.json',
      'sentry/issue/resolved.json',
    ],
  },
  'seer-run': {
    description: 'a Seer run through its seven stages, root cause to pull request (one thread per run), after the issue it works on',
    // Seer payloads name only the issue (group): the issue event first lets the service learn its
    // org and project, so the run routes even without a Sentry installation (dry-run, dev).
    files: [
      'sentry/issue/created.json',
      'sentry/seer/root_cause_started.json',
      'sentry/seer/root_cause_completed.json',
      'sentry/seer/solution_started.json',
      'sentry/seer/solution_completed.json',
      'sentry/seer/coding_started.json',
      'sentry/seer/coding_completed.json',
      'sentry/seer/pr_created.json',
    ],
  },
  'pr-builds': {
    description: "PR #482's builds: iOS build 72 size analysis and distribution, Android build 75 distribution failing (one thread per PR)",
    files: [
      'sentry/preprod_artifact/size_analysis_completed.json',
      'sentry/preprod_artifact/build_distribution_completed.json',
      'sentry/preprod_artifact/build_distribution_completed.failed.json',
    ],
  },
  feedback: {
    description: 'a Bugsee feedback conversation: a user writes, the team answers, the user writes again (one thread per device)',
    files: ['bugsee/feedback.message.in.json', 'bugsee/feedback.message.out.json', 'bugsee/feedback.message.in.multi.json'],
  },
};
