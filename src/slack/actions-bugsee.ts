/** `bugsee.issue.close` and `bugsee.issue.reopen`: one Bugsee API call each. */

import { isBugseeIssueValue } from '../../templates/values.js';
import { valueFor } from './actions-guard.js';
import { bugseeIssueEvent } from './actions-outcome.js';
import type { ClickWork } from './actions-run.js';

export const closeBugseeIssue: ClickWork = async (deps, click, raw) => {
  const ids = valueFor(raw.value, click.thread, isBugseeIssueValue);
  await deps.bugseeApi.closeIssue(ids.appKey, ids.issueKey);
  return {
    event: bugseeIssueEvent(click, ids, 'bugsee.issue.closed', { state: 'closed' }),
    echoTypes: ['bugsee.issue.closed'],
  };
};

export const reopenBugseeIssue: ClickWork = async (deps, click, raw) => {
  const ids = valueFor(raw.value, click.thread, isBugseeIssueValue);
  await deps.bugseeApi.reopenIssue(ids.appKey, ids.issueKey);
  return {
    // Reopened by hand is not a regression: the card should say "Open".
    event: bugseeIssueEvent(click, ids, 'bugsee.issue.reopened', { state: 'open', regressed: false }),
    echoTypes: ['bugsee.issue.reopened'],
  };
};
