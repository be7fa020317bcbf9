/** Bugsee user (organisation member) events: one compact standalone message each. */
import { bold, clip, context, firstText, joinMd, md, message, section } from '../blocks.js';
import { actorName, byWhom, changeLines } from '../common.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';

type Input = RenderInput<'bugsee.user'>;

const VERB: Record<string, { emoji: string; verb: string }> = {
  'bugsee.user.created': { emoji: '👤', verb: 'added' },
  'bugsee.user.updated': { emoji: '✏️', verb: 'updated' },
  'bugsee.user.deleted': { emoji: '🚪', verb: 'removed' },
};

function card(input: Input): SlackMessage {
  const { event } = input;
  const s = { ...input.state, ...event.state };
  // subject.id is the email, or a made-up id for a user without one: never shown.
  const name = firstText(s.name, s.email) ?? 'Unnamed user';
  const email = s.email && s.email !== name ? s.email : undefined;
  const { emoji, verb } = VERB[event.type] ?? { emoji: 'ℹ️', verb: 'changed' };
  const who = actorName(event);
  const head = md`${emoji} User ${bold(name)}${email ? md` (${clip(email, 200)})` : ''} ${verb}${byWhom(who)}`;
  const flags = joinMd([
    s.admin ? md`👑 admin` : null,
    s.disabled ? md`⛔ disabled` : null,
    s.country ? md`🌍 ${clip(s.country.toUpperCase(), 10)}` : null,
  ]);
  return message(md`${emoji} Bugsee user ${clip(name, 200)} ${verb}${who ? md` by ${clip(who, 100)}` : ''}`, [
    section(joinMd([head, event.type === 'bugsee.user.updated' ? changeLines(event.detail.changes) : null], '\n')),
    context([flags, md`Bugsee organisation`]),
  ]);
}

export const userTemplate: Template<'bugsee.user'> = { card, reply: card };
