/** Bugsee feedback: one thread per device conversation; the card shows who and the last message. */
import type { FeedbackMessage } from '../../src/sources/bugsee/subjects.js';
import { actions, bold, button, clip, linkButton, code, context, fallbackLine, fields, firstText, header, joinMd } from '../blocks.js';
import { link, md, Md, message, personName, quote, section, slackDate } from '../blocks.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';
import { encodeActionValue } from '../values.js';

type Input = RenderInput<'bugsee.feedback'>;

function userName(input: Input): string {
  return firstText(input.state.user?.name, input.state.user?.email) ?? 'Anonymous user';
}

function deviceId(input: Input): string {
  return firstText(input.state.deviceId, input.event.subject.id.split(':').pop()) ?? 'unknown device';
}

/** "D11B5769…A831": device ids are long and only need to be recognisable. */
function shortDevice(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const name = userName(input);
  const device = deviceId(input);
  const open = (s.threadState ?? 'open').toLowerCase() !== 'closed';
  const last = s.lastMessage;
  const appKey = firstText(s.appKey, input.event.routing.appKey);
  const lastLine = last
    ? joinMd(
        [
          last.direction === 'out'
            ? md`↩️ ${bold('Team')} replied${last.createdOn ? md` · ${slackDate(last.createdOn)}` : ''}:`
            : md`💬 ${bold(name)} wrote${last.createdOn ? md` · ${slackDate(last.createdOn)}` : ''}:`,
          quote(last.text, 600, 6),
        ],
        '\n',
      )
    : Md.of('');
  return message(md`💬 Feedback from ${clip(name, 200)}${last ? md`: ${clip(last.text, 200)}` : ''}`, [
    header(`💬 Feedback from ${name}`),
    section(lastLine),
    fields([
      ['User', clip(name, 200)],
      ['Email', s.user?.email ? clip(s.user.email, 200) : null],
      ['Device', code(shortDevice(device))],
      ['Thread', open ? md`🟢 open` : md`⚪ closed`],
      ['App', firstText(s.appName, appKey) ? link(s.appUrl, firstText(s.appName, appKey)) : null],
    ]),
    actions([
      appKey && input.extras.canAct !== false
        ? button({
            text: '↩️ Reply',
            actionId: 'bugsee.feedback.reply',
            value: encodeActionValue({ s: 'bugsee', appKey, deviceId: device }),
            style: 'primary',
          })
        : // Bugsee names no URL for one conversation: its app page is where the team replies.
          linkButton('Reply in Bugsee', s.appUrl, 'bugsee.feedback.open'),
    ]),
    context([md`Bugsee feedback · device ${code(device, 80)}`]),
  ]);
}

function messagesBody(messages: FeedbackMessage[]): Md {
  const shown = messages.slice(-5);
  const parts = shown.map((m) => quote(m.text, Math.floor(2500 / shown.length), 12));
  if (messages.length > shown.length) parts.unshift(md`_…${messages.length - shown.length} earlier_`);
  // A blank line between quotes keeps each message its own block.
  return joinMd(parts, '\n\n');
}

function reply(input: Input): SlackMessage | null {
  const { event } = input;
  const d = event.detail;
  const messages = d.messages ?? [];
  const when = messages[messages.length - 1]?.createdOn;
  const author = personName(d.author);
  const head =
    d.direction === 'out'
      ? md`↩️ ${bold('Reply from the team')}${author ? md` (${author})` : ''}`
      : md`💬 ${bold(firstText(author, input.state.user?.name, input.state.user?.email) ?? 'User')} wrote:`;
  const preview = messages[messages.length - 1]?.text;
  return message(joinMd([fallbackLine(head), preview ? clip(preview, 300) : null], ': '), [
    section(joinMd([head, messagesBody(messages)], '\n')),
    context([when ? slackDate(when) : null]),
  ]);
}

export const feedbackTemplate: Template<'bugsee.feedback'> = { card, reply };
