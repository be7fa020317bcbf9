/** Bugsee app events: one compact standalone message each. */
import { bold, clip, code, context, firstText, isBlank, joinMd, link, md, message, section } from '../blocks.js';
import { actorName, byWhom, changeLines } from '../common.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';

type Input = RenderInput<'bugsee.app'>;

const VERB: Record<string, { emoji: string; verb: string }> = {
  'bugsee.app.created': { emoji: '📱', verb: 'created' },
  'bugsee.app.updated': { emoji: '✏️', verb: 'updated' },
  'bugsee.app.deleted': { emoji: '🗑️', verb: 'deleted' },
};

function card(input: Input): SlackMessage {
  const { event } = input;
  const s = { ...input.state, ...event.state };
  const key = firstText(s.appKey, event.routing.appKey, event.subject.id) ?? 'app';
  const name = firstText(s.name, key) ?? key;
  const { emoji, verb } = VERB[event.type] ?? { emoji: 'ℹ️', verb: 'changed' };
  const who = actorName(event);
  const deleted = event.type === 'bugsee.app.deleted';
  const head = md`${emoji} App ${deleted ? bold(name) : link(s.url, bold(name))} (${code(key, 60)}) ${verb}${byWhom(who)}`;
  const about = joinMd([
    s.platform ? md`${s.platform}${isBlank(s.subtype) ? '' : md` · ${s.subtype}`}` : null,
    isBlank(s.description) ? null : clip(s.description, 500),
  ]);
  return message(md`${emoji} Bugsee app ${clip(name, 200)} ${verb}${who ? md` by ${clip(who, 100)}` : ''}`, [
    section(joinMd([head, event.type === 'bugsee.app.updated' ? changeLines(event.detail.changes) : null], '\n')),
    context([about, md`Bugsee`]),
  ]);
}

export const appTemplate: Template<'bugsee.app'> = { card, reply: card };
