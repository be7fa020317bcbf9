/**
 * Buttons that act. Every handler acks first (Slack allows 3 seconds) and does the work after;
 * `runClick` checks the message belongs to the clicking team, calls the source's API once, and
 * either shows the change in the thread or tells the clicker why nothing changed. All controls
 * arrive on the one interactivity endpoint, so the manifest needs nothing per action.
 */

import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import type { ClickFacts } from './actions-guard.js';
import { closeBugseeIssue, reopenBugseeIssue } from './actions-bugsee.js';
import { FEEDBACK_REPLY_CALLBACK_ID, REPLY_BLOCK_ID, REPLY_INPUT_ID, metadataValue, openFeedbackReply } from './actions-feedback.js';
import { parseReplyMetadata, sendFeedbackReply } from './actions-feedback.js';
import { runClick, type ActionDeps, type ClickWork, type RawAction } from './actions-run.js';
import { sentryAssign, sentryMoreOption, sentryStatusButton } from './actions-sentry.js';
import { tellClicker } from './actions-errors.js';
import { createAssigneeDirectory, type AssigneeDirectory } from './actions-assignees.js';
import { registerAssignOptions } from './actions-assign-options.js';

export type { ActionDeps } from './actions-run.js';
export { FEEDBACK_REPLY_CALLBACK_ID } from './actions-feedback.js';

/** The action_ids of the CONTRACT, plus the Sentry overflow menu. */
export const BUTTON_ACTION_IDS = [
  'sentry.issue.resolve',
  'sentry.issue.unresolve',
  'sentry.issue.archive',
  'sentry.issue.more',
  'sentry.issue.assign',
  'bugsee.issue.close',
  'bugsee.issue.reopen',
  'bugsee.feedback.reply',
] as const;
export type ButtonActionId = (typeof BUTTON_ACTION_IDS)[number];

/** Link buttons open a URL in the browser; Slack still posts the click, which needs only an ack. */
export const LINK_ACTION_PATTERN = /^link\./;

const WORK: Record<ButtonActionId, ClickWork> = {
  'sentry.issue.resolve': sentryStatusButton('resolve'),
  'sentry.issue.unresolve': sentryStatusButton('unresolve'),
  'sentry.issue.archive': sentryStatusButton('archive'),
  'sentry.issue.more': sentryMoreOption,
  'sentry.issue.assign': sentryAssign,
  'bugsee.issue.close': closeBugseeIssue,
  'bugsee.issue.reopen': reopenBugseeIssue,
  'bugsee.feedback.reply': openFeedbackReply,
};

/** Metric label of a modal submission (the button itself counts under its action_id). */
export const FEEDBACK_SUBMIT_LABEL = 'bugsee.feedback.reply.submit';

type Element = {
  type?: string;
  action_id?: string;
  block_id?: string;
  action_ts?: string;
  value?: string;
  selected_option?: { value?: string; text?: { text?: string } } | null;
  selected_user?: string | null;
  options?: { value?: string }[];
};

/** Values of the other controls in the clicked actions block (the assignee select has none of its own). */
function siblingValues(body: BlockAction, action: Element): string[] {
  const blocks = (body.message?.blocks ?? []) as { type?: string; block_id?: string; elements?: Element[] }[];
  const holds = (b: (typeof blocks)[number]) => b.type === 'actions' && (b.elements ?? []).some((e) => e.action_id === action.action_id);
  const block = blocks.find((b) => b.block_id !== undefined && b.block_id === action.block_id && holds(b)) ?? blocks.find(holds);
  return (block?.elements ?? [])
    .flatMap((e) => [e.value, ...(e.options ?? []).map((o) => o.value)])
    .filter((v): v is string => typeof v === 'string');
}

function rawOf(body: BlockAction, action: Element): RawAction {
  return {
    value: action.value,
    selectedOption: action.selected_option?.value,
    selectedText: action.selected_option?.text?.text,
    selectedUser: action.selected_user ?? undefined,
    triggerId: body.trigger_id,
    // The assignee selects carry no value of their own: the card's other controls name the issue.
    siblings: action.type === 'users_select' || action.type === 'external_select' ? siblingValues(body, action) : [],
  };
}

/** What may be clicked twice in a row: a different option or person is a different control. */
function controlOf(actionId: string, raw: RawAction): string {
  if (raw.selectedOption !== undefined) return `${actionId}:${raw.selectedOption}`;
  if (raw.selectedUser !== undefined) return `${actionId}:${raw.selectedUser}`;
  return actionId;
}

function factsOf(body: BlockAction, action: Element, actionId: string): ClickFacts {
  const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
  return {
    actionId,
    actionTs: action.action_ts ?? '',
    teamId: body.team?.id ?? body.user.team_id,
    channelId: body.channel?.id ?? container?.channel_id,
    messageTs: body.message?.ts ?? container?.message_ts,
    userId: body.user.id,
    userName: body.user.username ?? body.user.name,
  };
}

/** Every dependency, or null when the caller (a test harness of other handlers) gave only some. */
function complete(deps: Partial<ActionDeps>): ActionDeps | null {
  const { store, logger, metrics, slack, sentryApi, bugseeApi, deliverDirect } = deps;
  if (!store || !logger || !metrics || !slack || !sentryApi || !bugseeApi || !deliverDirect) return null;
  const assignees =
    deps.assignees ??
    createAssigneeDirectory({
      sentryApi,
      onError: (org, err) => logger.warn({ org, error: (err as Error).message }, 'Sentry members or teams could not be listed'),
    });
  return {
    store,
    logger,
    metrics,
    slack,
    sentryApi,
    bugseeApi,
    deliverDirect,
    assignees,
    mayListAssignees: deps.mayListAssignees,
    tenancy: deps.tenancy,
  };
}

export function registerActions(app: App, given: Partial<ActionDeps>): void {
  app.action(LINK_ACTION_PATTERN, async ({ ack }) => {
    await ack();
  });
  const deps = complete(given);
  if (!deps) {
    given.logger?.debug('button actions not registered: their dependencies were not given');
    return;
  }
  registerAssignOptions(app, {
    store: deps.store,
    logger: deps.logger,
    assignees: deps.assignees as AssigneeDirectory,
    mayListAssignees: deps.mayListAssignees,
  });
  for (const actionId of BUTTON_ACTION_IDS) {
    app.action<BlockAction>(actionId, async ({ ack, body, action }) => {
      await ack();
      const element = action as Element;
      const raw = rawOf(body, element);
      const facts = factsOf(body, element, actionId);
      if (!facts.actionTs) {
        deps.metrics.actions.inc({ action: actionId, result: 'invalid' });
        await tellClicker(deps, facts, 'This click could not be read, so nothing was changed.');
        return;
      }
      await runClick(deps, facts, controlOf(actionId, raw), raw, WORK[actionId]);
    });
  }

  app.view<ViewSubmitAction>(FEEDBACK_REPLY_CALLBACK_ID, async ({ ack, body, view }) => {
    const text = (view.state.values[REPLY_BLOCK_ID]?.[REPLY_INPUT_ID]?.value ?? '').trim();
    if (!text) {
      deps.metrics.actions.inc({ action: FEEDBACK_SUBMIT_LABEL, result: 'empty' });
      await ack({ response_action: 'errors', errors: { [REPLY_BLOCK_ID]: 'Write a message to send.' } });
      return;
    }
    await ack();
    const meta = parseReplyMetadata(view.private_metadata);
    const facts: ClickFacts = {
      actionId: FEEDBACK_SUBMIT_LABEL,
      actionTs: view.id,
      teamId: body.team?.id ?? body.user.team_id,
      channelId: meta?.channelId,
      messageTs: meta?.ts,
      userId: body.user.id,
      userName: (body.user as { username?: string }).username ?? body.user.name,
    };
    // One send per modal: a different modal on the same card is a different reply.
    await runClick(deps, facts, `submit:${view.id}`, { value: meta ? metadataValue(meta) : undefined }, sendFeedbackReply(text));
  });
}
