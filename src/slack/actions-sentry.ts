/**
 * The Sentry issue controls: resolve / unresolve / archive buttons, the overflow menu and the
 * assignee select. Each is one `PUT /api/0/organizations/{org}/issues/{id}/`; the token is the
 * API client's business (installation token, refreshed, else SENTRY_AUTH_TOKEN).
 */

import type { SentryIssueDetail, SentryIssueState } from '../sources/sentry/subjects.js';
import { decodeActionValue, isSentryIssueValue, type SentryIssueValue, type SentryMoreOption } from '../../templates/values.js';
import { SentryApiError, type SentryIssueUpdate } from '../sources/sentry/api.js';
import { ActionRefusal } from './actions-errors.js';
import { esc } from './describe.js';
import { valueFor, type Click } from './actions-guard.js';
import { sentryIssueEvent } from './actions-outcome.js';
import type { ClickWork } from './actions-run.js';
import { parseAssigneeChoice } from './actions-assignees.js';

type ChangeType = 'sentry.issue.resolved' | 'sentry.issue.unresolved' | 'sentry.issue.archived';

interface StatusChange {
  /** The body Sentry is sent, exactly. */
  body: SentryIssueUpdate;
  type: ChangeType;
  state: Partial<SentryIssueState>;
  detail: SentryIssueDetail;
  /** The webhook types Sentry answers the change with. */
  echoes: readonly string[];
}

const ARCHIVE_ECHOES = ['sentry.issue.archived', 'sentry.issue.ignored'] as const;

function archived(body: SentryIssueUpdate, substatus: string, statusDetails: Record<string, unknown>): StatusChange {
  return {
    body,
    type: 'sentry.issue.archived',
    state: { status: 'ignored', substatus },
    detail: { action: 'archived', statusDetails },
    echoes: ARCHIVE_ECHOES,
  };
}

/** Button and overflow option → the change it asks Sentry for. */
export const SENTRY_CHANGES: Record<'resolve' | 'unresolve' | 'archive' | SentryMoreOption, StatusChange> = {
  resolve: {
    body: { status: 'resolved' },
    type: 'sentry.issue.resolved',
    state: { status: 'resolved', substatus: undefined },
    detail: { action: 'resolved' },
    echoes: ['sentry.issue.resolved'],
  },
  unresolve: {
    body: { status: 'unresolved' },
    type: 'sentry.issue.unresolved',
    // `ongoing` clears an earlier archived or regressed substatus on the card.
    state: { status: 'unresolved', substatus: 'ongoing' },
    detail: { action: 'unresolved' },
    echoes: ['sentry.issue.unresolved'],
  },
  archive: archived({ status: 'ignored', substatus: 'archived_until_escalating' }, 'archived_until_escalating', {
    ignoreUntilEscalating: true,
  }),
  resolve_next_release: {
    body: { status: 'resolvedInNextRelease' },
    type: 'sentry.issue.resolved',
    state: { status: 'resolved', substatus: undefined },
    detail: { action: 'resolved', statusDetails: { inNextRelease: true } },
    echoes: ['sentry.issue.resolved'],
  },
  archive_until_100_events: archived({ status: 'ignored', statusDetails: { ignoreCount: 100 } }, 'archived_until_condition_met', {
    ignoreCount: 100,
  }),
  archive_1h: archived({ status: 'ignored', statusDetails: { ignoreDuration: 60 } }, 'archived_until_condition_met', {
    ignoreDuration: 60,
  }),
  archive_24h: archived({ status: 'ignored', statusDetails: { ignoreDuration: 1440 } }, 'archived_until_condition_met', {
    ignoreDuration: 1440,
  }),
};

async function applyChange(deps: Parameters<ClickWork>[0], click: Click, ids: SentryIssueValue, change: StatusChange) {
  await deps.sentryApi.updateIssue(ids.org, ids.issueId, change.body);
  // An explicit null clears a substatus the card still holds from before.
  const state = { ...change.state, substatus: change.state.substatus ?? null } as Partial<SentryIssueState>;
  return { event: sentryIssueEvent(click, ids, change.type, state, change.detail), echoTypes: change.echoes };
}

/** The value's ids, checked against the thread: the same issue, and the org the thread knows. */
function sentryIds(raw: string | undefined, click: Click): SentryIssueValue {
  const ids = valueFor(raw, click.thread, isSentryIssueValue);
  const known = click.thread.state.org;
  if (typeof known === 'string' && known && known !== ids.org)
    throw new ActionRefusal('invalid', "This button doesn't match its message, so nothing was changed.");
  return ids;
}

/** `sentry.issue.resolve` / `unresolve` / `archive`. */
export function sentryStatusButton(which: 'resolve' | 'unresolve' | 'archive'): ClickWork {
  return async (deps, click, raw, ctx) => {
    const ids = sentryIds(raw.value, click);
    ctx.org = ids.org;
    return applyChange(deps, click, ids, SENTRY_CHANGES[which]);
  };
}

/** `sentry.issue.more`: the option's value names the choice as well as the ids. */
export const sentryMoreOption: ClickWork = async (deps, click, raw, ctx) => {
  const ids = sentryIds(raw.selectedOption, click);
  if (!ids.o) throw new ActionRefusal('invalid', "This menu option's data could not be read, so nothing was changed.");
  ctx.org = ids.org;
  return applyChange(deps, click, ids, SENTRY_CHANGES[ids.o]);
};

/**
 * A `users_select` carries no value of its own: the issue is the thread's, and the org comes from
 * the thread's state or, failing that, from a sibling control's value on the same card.
 */
function assignIds(click: Click, siblingValues: readonly string[]): SentryIssueValue {
  const prefix = 'sentry:issue:';
  if (!click.thread.threadKey.startsWith(prefix))
    throw new ActionRefusal('invalid', 'This message is not a Sentry issue, so nothing was changed.');
  const issueId = click.thread.threadKey.slice(prefix.length);
  const stateOrg = typeof click.thread.state.org === 'string' && click.thread.state.org ? click.thread.state.org : undefined;
  const sibling = siblingValues.map(decodeActionValue).find((v): v is SentryIssueValue => isSentryIssueValue(v) && v.issueId === issueId);
  const org = stateOrg ?? sibling?.org;
  if (!org) throw new ActionRefusal('invalid', "Threadline doesn't know this issue's Sentry org, so it can't assign it.");
  return { s: 'sentry', org, issueId };
}

/**
 * `sentry.issue.assign`. The picker (external_select) sends `user:<id>`, `team:<id>` or
 * `unassign`; cards posted before it carry a users_select, whose Slack user is matched to a
 * Sentry member by email (`legacyAssign`).
 */
export const sentryAssign: ClickWork = async (deps, click, raw, ctx) => {
  if (raw.selectedUser !== undefined || raw.selectedOption === undefined) return legacyAssign(deps, click, raw, ctx);
  const ids = assignIds(click, raw.siblings ?? []);
  ctx.org = ids.org;
  const choice = parseAssigneeChoice(raw.selectedOption);
  if (!choice) throw new ActionRefusal('invalid', 'This choice could not be read, so nothing was changed.');
  if (choice.kind === 'unassign') {
    await deps.sentryApi.updateIssue(ids.org, ids.issueId, { assignedTo: '' });
    return {
      event: sentryIssueEvent(click, ids, 'sentry.issue.assigned', { assignee: null }, { action: 'assigned' }),
      echoTypes: ['sentry.issue.assigned'],
    };
  }
  await deps.sentryApi.updateIssue(ids.org, ids.issueId, { assignedTo: `${choice.kind}:${choice.id}` });
  // The name as the picker listed it (cached); the option's own text is the fallback.
  const known = deps.assignees?.known(ids.org, choice);
  const name = known?.name ?? (raw.selectedText ? raw.selectedText.replace(/ \([^()]*@[^()]*\)$/, '') : `${choice.kind} ${choice.id}`);
  const assignee = { type: choice.kind, id: choice.id, name, ...(known?.email ? { email: known.email } : {}) };
  return {
    event: sentryIssueEvent(click, ids, 'sentry.issue.assigned', { assignee }, { action: 'assigned' }),
    echoTypes: ['sentry.issue.assigned'],
  };
};

/** The older users_select: Slack user → email → Sentry member → `assignedTo: "user:<id>"`. */
const legacyAssign: ClickWork = async (deps, click, raw, ctx) => {
  const ids = assignIds(click, raw.siblings ?? []);
  ctx.org = ids.org;
  const chosen = raw.selectedUser;
  if (!chosen) throw new ActionRefusal('invalid', 'No person was chosen, so nothing was changed.');
  const slack = await deps.slack.forTeam(click.teamId);
  const info = await slack.call<{
    user?: { name?: string; real_name?: string; profile?: { email?: string; real_name?: string; display_name?: string } };
  }>('users.info', { user: chosen });
  const email = info.user?.profile?.email;
  if (!email) {
    throw new ActionRefusal(
      'no_email',
      `Slack shows no email for ${/^[UW][A-Z0-9]+$/.test(chosen) ? `<@${chosen}>` : esc(chosen)} (Threadline needs the users:read.email scope), so the issue can't be matched to a Sentry member.`,
    );
  }
  const member = await deps.sentryApi.findMemberByEmail(ids.org, email).catch((err: unknown) => {
    // The member list needs a different permission than the issue itself: name the right one.
    if (err instanceof SentryApiError && (err.code === 'unauthorized' || err.code === 'forbidden')) {
      throw new ActionRefusal(
        err.code,
        `Sentry refused to list the members of ${esc(ids.org)} (HTTP ${err.status}): Threadline's Sentry integration lacks Organization: Read (or Member: Read).`,
      );
    }
    throw err;
  });
  const userId = member?.user?.id;
  if (!member || !userId)
    throw new ActionRefusal('no_member', `No Sentry member of ${esc(ids.org)} has the email ${esc(email)}, so the issue was not assigned.`);
  await deps.sentryApi.updateIssue(ids.org, ids.issueId, { assignedTo: `user:${userId}` });
  const name = member.user?.name || member.name || info.user?.profile?.real_name || info.user?.real_name || email;
  return {
    event: sentryIssueEvent(
      click,
      ids,
      'sentry.issue.assigned',
      { assignee: { type: 'user', id: String(userId), name, email } },
      { action: 'assigned' },
    ),
    echoTypes: ['sentry.issue.assigned'],
  };
};
