/**
 * The Sentry issue thread: lifecycle, error, event_alert and comment events all land here. The
 * card is the issue now; each reply is what one event said.
 */
import type { SentryIssueState } from '../../src/sources/sentry/subjects.js';
import { actions, bold, button, clip, code, context, fallbackLine, fields, firstText, header, isBlank, joinMd } from '../blocks.js';
import { link, linkButton, md, Md, message, overflow, plural, quote, section, shortNumber, slackDate } from '../blocks.js';
import { externalSelect } from '../select.js';
import { actorName, byWhom, personRef, tag } from '../common.js';
import { levelEmoji, sentryStatus } from '../style.js';
import { stackTrace } from './stack.js';
import { historyLine } from './history.js';
import { threadLinkReply } from './thread-link.js';
import type { ActionsElement, RenderInput, SlackMessage, Template } from '../types.js';
import { encodeActionValue, type SentryMoreOption } from '../values.js';

type Input = RenderInput<'sentry.issue'>;

const MORE_OPTIONS: { option: SentryMoreOption; text: string }[] = [
  { option: 'resolve_next_release', text: 'Resolve in next release' },
  { option: 'archive_until_100_events', text: 'Archive until 100 more events' },
  { option: 'archive_1h', text: 'Archive for 1 hour' },
  { option: 'archive_24h', text: 'Archive for 24 hours' },
];

function issueTitle(input: Input): string {
  const s = input.state;
  return firstText(s.title, input.event.title, s.shortId && `Issue ${s.shortId}`) ?? `Sentry issue ${input.event.subject.id}`;
}

function assigneeName(a: SentryIssueState['assignee']): string | undefined {
  if (a === null) return undefined;
  return firstText(a?.name, a?.email, a?.id);
}

/** `<@U…>` for an assignee the channel may mention (see `personRef`), else undefined. */
function mentionOf(a: SentryIssueState['assignee'], input: Input): Md | undefined {
  if (!a?.email || !input.extras.mentions?.[a.email.trim().toLowerCase()]) return undefined;
  return personRef(a, input.extras);
}

/** Who made the last change: a Slack action is newer than anything the webhook said. */
function lastChange(input: Input): { by?: string; text?: string } {
  if (input.extras.lastAction) return { by: input.extras.lastAction.by, text: input.extras.lastAction.text };
  return { by: input.state.lastChangeBy };
}

function issueActions(input: Input): (ActionsElement | null)[] {
  const s = input.state;
  const org = firstText(s.org, input.event.routing.org);
  const issueId = firstText(s.issueId, input.event.routing.groupId, input.event.subject.id);
  const open = linkButton('Open in Sentry', s.permalink, 'sentry.issue.open');
  // Without the org the handler cannot address the issue, so only the link is offered.
  if (!org || !issueId) return [open];
  const ids = { s: 'sentry' as const, org, issueId };
  const value = encodeActionValue(ids);
  const status = (s.status ?? '').toLowerCase();
  const closed = status === 'resolved' || status === 'ignored' || status === 'archived';
  return [
    open,
    closed
      ? button({ text: 'Unresolve', actionId: 'sentry.issue.unresolve', value })
      : button({ text: 'Resolve', actionId: 'sentry.issue.resolve', value, style: 'primary' }),
    closed ? null : button({ text: 'Archive', actionId: 'sentry.issue.archive', value }),
    externalSelect('sentry.issue.assign', 'Assign to…'),
    overflow(
      'sentry.issue.more',
      MORE_OPTIONS.map((o) => ({ text: o.text, value: encodeActionValue({ ...ids, o: o.option }) })),
    ),
  ];
}

/** What the card's notification says happened: this event if it changed the issue, else the status. */
function cardPhrase(input: Input, statusLabel: string): Md {
  const { event } = input;
  if (event.type === 'sentry.issue.seer_linked')
    return joinMd([md`Seer is on it`, isBlank(input.state.status) ? '' : statusLabel.toLowerCase()]);
  if (event.type.startsWith('sentry.issue.')) {
    // "✅ Resolved by Jane" → "resolved by Jane": the lifecycle line minus its emoji.
    const line = fallbackLine(lifecycleLine(input)).value.replace(/^\S+\s/, '');
    return Md.of(line.charAt(0).toLowerCase() + line.slice(1));
  }
  const status = isBlank(input.state.status) ? '' : statusLabel.toLowerCase();
  if (event.type === 'sentry.error.created' || event.type === 'sentry.event_alert.triggered') return joinMd([md`new event`, status]);
  if (event.type === 'sentry.comment.deleted') return joinMd([md`comment deleted`, status]);
  return joinMd([md`comment${actorName(event) ? md` by ${clip(actorName(event), 100)}` : ''}`, status]);
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const title = issueTitle(input);
  const status = sentryStatus(s.status, s.substatus);
  const change = lastChange(input);
  const project = firstText(s.project, input.event.routing.project);
  const level = firstText(s.level);

  const stateLine = joinMd([
    isBlank(s.status) ? null : md`${status.emoji} ${bold(status.label)}`,
    level ? md`${levelEmoji(level)} ${level}` : null,
    project ? md`${bold(project)}` : null,
    s.shortId ? code(s.shortId) : null,
  ]);
  const culprit = isBlank(s.culprit) ? Md.of('') : code(s.culprit, 300);
  const assignee =
    s.assignee === null
      ? md`Unassigned`
      : (mentionOf(s.assignee, input) ?? (assigneeName(s.assignee) ? clip(assigneeName(s.assignee), 200) : null));

  const text = md`${levelEmoji(level)} ${tag(project)}${clip(title, 300)} — ${cardPhrase(input, status.label)}`;
  return message(text, [
    header(title),
    section(joinMd([stateLine, culprit], '\n')),
    fields([
      ['First seen', slackDate(s.firstSeen)],
      ['Last seen', slackDate(s.lastSeen)],
      ['Events', typeof s.count === 'number' ? md`${shortNumber(s.count)}` : null],
      ['Users', typeof s.userCount === 'number' ? md`${shortNumber(s.userCount)}` : null],
      ['Assignee', assignee],
    ]),
    context([historyLine(s.statusHistory)]),
    actions(issueActions(input)),
    context([
      change.by ? md`✋ ${change.text ? clip(change.text, 200) : 'Last change'}${byWhom(change.by)}` : null,
      md`Sentry${s.org || input.event.routing.org ? md` · ${firstText(s.org, input.event.routing.org)}` : ''}${project ? md` / ${project}` : ''}`,
    ]),
  ]);
}

function durationText(minutes: unknown): string | undefined {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) return undefined;
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

/** "in the next release", "for 1 hour", "until 100 more events"… from statusDetails. */
function detailText(details: Record<string, unknown> | undefined): Md {
  if (!details) return Md.of('');
  const parts: Md[] = [];
  if (details.inNextRelease) parts.push(md`in the next release`);
  if (typeof details.inRelease === 'string') parts.push(md`in release ${code(details.inRelease)}`);
  if (details.inCommit) parts.push(md`in a commit`);
  const duration = durationText(details.ignoreDuration);
  if (duration) parts.push(md`for ${duration}`);
  if (typeof details.ignoreCount === 'number') parts.push(md`until ${plural(details.ignoreCount, 'more event')}`);
  if (typeof details.ignoreUserCount === 'number') parts.push(md`until ${plural(details.ignoreUserCount, 'more user')}`);
  if (typeof details.ignoreUntil === 'string') parts.push(md`until ${slackDate(details.ignoreUntil)}`);
  if (details.ignoreUntilEscalating) parts.push(md`until it escalates`);
  return parts.length ? md` ${joinMd(parts, ', ')}` : Md.of('');
}

function lifecycleLine(input: Input): Md {
  const { event, state } = input;
  const action = event.detail.action ?? event.type.split('.').pop() ?? '';
  const by = byWhom(actorName(event));
  const details = detailText(event.detail.statusDetails);
  switch (action) {
    case 'created':
      return md`🆕 New issue${state.level ? md` · ${levelEmoji(state.level)} ${state.level}` : ''}`;
    case 'resolved':
      return md`✅ Resolved${details}${by}`;
    case 'assigned': {
      const to = assigneeName(state.assignee);
      return to ? md`👤 Assigned to ${mentionOf(state.assignee, input) ?? bold(to)}${by}` : md`👤 Unassigned${by}`;
    }
    case 'archived':
    case 'ignored':
      return md`🔕 Archived${details}${by}`;
    case 'unresolved':
      return state.substatus === 'regressed' ? md`🔁 Regressed${by}` : md`🔥 Unresolved${by}`;
    default:
      return md`ℹ️ ${action}${by}`;
  }
}

function errorReply(input: Input): Md {
  const { event } = input;
  const e = event.detail.error ?? {};
  const head =
    event.type === 'sentry.event_alert.triggered'
      ? md`🚨 Alert rule ${bold(firstText(e.triggeredRule) ?? 'triggered')}${e.triggeredRule ? ' triggered' : ''}`
      : md`${levelEmoji(e.level)} New event`;
  const facts = joinMd([
    e.environment ? md`env ${code(e.environment, 80)}` : null,
    e.release ? md`release ${code(e.release, 80)}` : null,
    e.url ? link(e.url, 'View event') : null,
  ]);
  return joinMd([joinMd([head, facts], ' · '), quote(e.message, 1000, 6)], '\n');
}

function commentReply(input: Input): Md {
  const { event } = input;
  const who = bold(actorName(event) ?? 'Someone');
  const text = event.detail.comment?.text;
  const verb =
    event.type === 'sentry.comment.updated'
      ? 'edited a comment'
      : event.type === 'sentry.comment.deleted'
        ? 'deleted a comment'
        : 'commented';
  const emoji = event.type === 'sentry.comment.updated' ? '✏️' : event.type === 'sentry.comment.deleted' ? '🗑️' : '💬';
  return joinMd([md`${emoji} ${who} ${verb}${isBlank(text) ? '' : ':'}`, quote(text, 2500)], '\n');
}

function reply(input: Input): SlackMessage | null {
  const { event } = input;
  if (event.type === 'sentry.issue.seer_linked')
    return event.detail.link
      ? threadLinkReply(md`🤖 Seer started working on this issue`, event.detail.link, "the run's thread", input.extras)
      : null;
  let body: Md;
  if (event.type === 'sentry.error.created' || event.type === 'sentry.event_alert.triggered') body = errorReply(input);
  else if (event.type.startsWith('sentry.comment.')) body = commentReply(input);
  else body = lifecycleLine(input);
  const title = clip(issueTitle(input), 200);
  const said =
    event.type.startsWith('sentry.comment.') && !isBlank(event.detail.comment?.text)
      ? md`: ${clip(event.detail.comment?.text?.replace(/\s+/g, ' '), 150)}`
      : '';
  const isEvent = event.type === 'sentry.error.created' || event.type === 'sentry.event_alert.triggered';
  const stack = isEvent ? stackTrace(event.detail.error?.stack) : Md.of('');
  return message(md`${fallbackLine(body)}${said} — ${title}`, [section(body), section(stack)]);
}

export const sentryIssueTemplate: Template<'sentry.issue'> = { card, reply };
