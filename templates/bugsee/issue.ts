/** A Bugsee issue thread (issue.* and unsymbolicated.created). */
import { actions, bold, button, clip, code, context, fallbackLine, fields, firstText, header, isBlank, joinMd } from '../blocks.js';
import { link, linkButton, md, Md, message, personName, quote, section, shortList, strike } from '../blocks.js';
import { actorName, byWhom, changeLines } from '../common.js';
import { BUGSEE_TYPE_EMOJI, bugseeIssueStatus, severityEmoji } from '../style.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';
import { encodeActionValue } from '../values.js';

type Input = RenderInput<'bugsee.issue'>;

function issueKey(input: Input): string {
  return firstText(input.state.issueKey, input.event.subject.id.split(':').pop()) ?? 'issue';
}

function summaryOf(input: Input): string {
  return firstText(input.state.summary, input.event.title) ?? 'Untitled issue';
}

/** The notification's "what happened": this event's reply line, or the status for a comment. */
function cardPhrase(input: Input, statusLabel: string): Md {
  if (input.event.type === 'bugsee.issue.comment') {
    const who = firstText(personName(input.event.detail.comment?.author), actorName(input.event));
    return md`comment${who ? md` by ${clip(who, 100)}` : ''}${statusLabel === 'Unknown' ? '' : md` · ${statusLabel.toLowerCase()}`}`;
  }
  const line = fallbackLine(replyLine(input)).value.replace(/^\S+\s/, '');
  return Md.of(line.charAt(0).toLowerCase() + line.slice(1));
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const key = issueKey(input);
  const summary = summaryOf(input);
  const status = bugseeIssueStatus(s);
  const by = firstText(input.extras.lastAction?.by, s.lastChangeBy);
  const appKey = firstText(s.appKey, input.event.routing.appKey);
  const type = (s.issueType ?? '').toLowerCase();

  const stateLine = joinMd([
    status.label === 'Regressed'
      ? md`${status.emoji} ${bold(status.label)}: closed before, reported again`
      : status.label === 'Unknown'
        ? null
        : md`${status.emoji} ${bold(status.label)}`,
    s.issueType ? md`${BUGSEE_TYPE_EMOJI[type] ?? '🐞'} ${s.issueType}` : null,
    s.severity ? md`${severityEmoji(s.severity)} ${s.severity}` : null,
  ]);
  const symbols = s.missingSymbols
    ? md`🧩 ${bold('Missing symbols')}: upload the dSYM / mapping files so crashes can be symbolicated.`
    : null;
  const recordings = (s.recordings ?? []).map((r, i) => (r.url ? link(r.url, `Recording ${i + 1}`) : null));

  const value = appKey && !s.deleted ? encodeActionValue({ s: 'bugsee', appKey, issueKey: key }) : undefined;
  const closed = (s.state ?? '').toLowerCase() === 'closed';
  const title = s.deleted ? md`${strike(summary)}` : clip(summary, 1000);

  return message(
    md`${status.label === 'Unknown' ? '🐞' : status.emoji} [${key}] ${clip(summary, 300)} — ${cardPhrase(input, status.label)}`,
    [
      header(`${s.deleted ? '🗑️ ' : ''}[${key}] ${summary}`),
      section(joinMd([s.deleted ? title : null, stateLine, symbols], '\n')),
      section(isBlank(s.description) || s.deleted ? Md.of('') : clip(s.description, 1200)),
      fields([
        ['Reporter', personName(s.reporter) ? clip(personName(s.reporter), 200) : null],
        [
          'Labels',
          s.labels?.length
            ? shortList(
                s.labels.map((l) => code(l, 60)),
                5,
              )
            : null,
        ],
        ['Recordings', recordings.some(Boolean) ? shortList(recordings, 3) : null],
        ['App', firstText(s.appName, appKey) ? link(s.appUrl, firstText(s.appName, appKey)) : null],
      ]),
      actions([
        s.deleted ? null : linkButton('Open in Bugsee', s.url, 'bugsee.issue.open'),
        // Without Bugsee's API the link above is where the issue is closed or reopened.
        value && input.extras.canAct !== false
          ? closed
            ? button({ text: 'Reopen', actionId: 'bugsee.issue.reopen', value })
            : button({ text: 'Close', actionId: 'bugsee.issue.close', value, style: 'primary' })
          : null,
      ]),
      context([
        by ? md`✋ ${input.extras.lastAction ? clip(input.extras.lastAction.text, 200) : 'Last change'}${byWhom(by)}` : null,
        md`Bugsee · ${key}${firstText(s.appName) ? md` · ${s.appName}` : ''}`,
      ]),
    ],
  );
}

function replyLine(input: Input): Md {
  const { event } = input;
  const by = byWhom(actorName(event));
  switch (event.type) {
    case 'bugsee.issue.created':
      return md`🆕 Issue reported${by}`;
    case 'bugsee.issue.updated': {
      const lines = changeLines(event.detail.changes);
      return joinMd([md`✏️ Updated${by}${lines.value ? ':' : ''}`, lines], '\n');
    }
    case 'bugsee.issue.closed':
      return md`✅ Closed${by}`;
    case 'bugsee.issue.reopened':
      return md`🔓 Reopened${by}`;
    case 'bugsee.issue.regressed':
      return md`🔁 ${bold('Regressed')}: reported again after it was closed`;
    case 'bugsee.issue.deleted':
      return md`🗑️ Deleted${by}`;
    case 'bugsee.issue.comment': {
      const c = event.detail.comment;
      const who = firstText(personName(c?.author), actorName(event)) ?? 'Someone';
      return joinMd([md`💬 ${bold(who)} commented:`, quote(c?.text, 2500)], '\n');
    }
    case 'bugsee.unsymbolicated.created':
      return md`🧩 ${bold('Missing symbols')}: crash reports cannot be symbolicated until symbols are uploaded`;
    default:
      return md`ℹ️ ${event.type}`;
  }
}

function reply(input: Input): SlackMessage | null {
  const line = replyLine(input);
  const c = input.event.type === 'bugsee.issue.comment' ? input.event.detail.comment?.text : undefined;
  return message(
    md`${fallbackLine(line)}${isBlank(c) ? '' : md`: ${clip(c?.replace(/\s+/g, ' '), 150)}`} — [${issueKey(input)}] ${clip(summaryOf(input), 200)}`,
    [section(line)],
  );
}

export const bugseeIssueTemplate: Template<'bugsee.issue'> = { card, reply };
