/**
 * Slack's options request for the assignee picker. Like a click, it is answered only for a
 * message the asking team owns (a thread our delivery made for it); the org is the thread's.
 */

import type { App, BlockSuggestion } from '@slack/bolt';
import type { ThreadRepo } from '../store/store.js';
import type { Logger } from '../log.js';
import { decodeActionValue, isSentryIssueValue } from '../../templates/values.js';
import type { AssigneeDirectory, OptionGroups } from './actions-assignees.js';

export const ASSIGN_ACTION_ID = 'sentry.issue.assign';

export interface AssignOptionsDeps {
  store: Pick<ThreadRepo, 'findThreadByTs'>;
  logger: Logger;
  assignees: AssigneeDirectory;
  /**
   * Tenancy hook: whether `teamId` may see the members of Sentry `org`. The connections work
   * (CONTRACT "Connections") sets it to "the team connected the org's installation". Unset: any
   * team that owns the message may.
   */
  mayListAssignees?: (teamId: string, org: string) => Promise<boolean>;
}

const NONE: OptionGroups = { option_groups: [] };

type Blocks = { elements?: { value?: string; options?: { value?: string }[] }[] }[];

/** The org the card's own buttons name, when the thread's state has none yet. */
function orgFromCard(body: BlockSuggestion, threadKey: string): string | undefined {
  const blocks = (body.message as { blocks?: Blocks } | undefined)?.blocks ?? [];
  for (const b of blocks) {
    for (const e of b.elements ?? []) {
      for (const raw of [e.value, ...(e.options ?? []).map((o) => o.value)]) {
        const v = decodeActionValue(raw);
        if (isSentryIssueValue(v) && `sentry:issue:${v.issueId}` === threadKey) return v.org;
      }
    }
  }
  return undefined;
}

export async function assignOptions(deps: AssignOptionsDeps, body: BlockSuggestion): Promise<OptionGroups> {
  const teamId = body.team?.id ?? body.user.team_id;
  const container = body.container as { channel_id?: string; message_ts?: string };
  const channelId = body.channel?.id ?? container.channel_id;
  const ts = container.message_ts;
  if (!teamId || !channelId || !ts) return NONE;
  const thread = await deps.store.findThreadByTs(teamId, channelId, ts);
  if (!thread || thread.teamId !== teamId || thread.channelId !== channelId || !thread.threadKey.startsWith('sentry:issue:')) return NONE;
  const stateOrg = typeof thread.state.org === 'string' && thread.state.org ? thread.state.org : undefined;
  const org = stateOrg ?? orgFromCard(body, thread.threadKey);
  if (!org) return NONE;
  if (deps.mayListAssignees && !(await deps.mayListAssignees(teamId, org))) return NONE;
  return deps.assignees.options(org, typeof body.value === 'string' ? body.value : '');
}

export function registerAssignOptions(app: App, deps: AssignOptionsDeps): void {
  app.options<'block_suggestion'>({ type: 'block_suggestion', action_id: ASSIGN_ACTION_ID }, async ({ ack, body }) => {
    let answer = NONE;
    try {
      answer = await assignOptions(deps, body);
    } catch (err) {
      deps.logger.warn({ error: (err as Error).message }, 'assignee options failed');
    }
    await ack(answer);
  });
}
