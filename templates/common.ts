/** Small pieces several templates share (actors, change lists). Formatting rules live in blocks.ts. */
import type { Changes, Event } from '../src/events.js';
import { bold, clip, firstText, isBlank, joinMd, md, Md } from './blocks.js';
import type { RenderExtras } from './types.js';

/** Who did it, as a name, or undefined when the event names no one. */
export function actorName(event: Pick<Event, 'actor'>): string | undefined {
  return firstText(event.actor?.name, event.actor?.email, event.actor?.id);
}

/** " by *Jane*" or nothing. */
export function byWhom(name: string | null | undefined): Md {
  return isBlank(name) ? Md.of('') : md` by ${bold(name)}`;
}

/** A change value as short text: lists joined, objects as JSON, empty as "—". */
export function valueText(value: unknown, max = 120): Md {
  if (value === null || value === undefined || value === '') return Md.of('—');
  if (Array.isArray(value))
    return value.length === 0
      ? Md.of('—')
      : clip(value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', '), max);
  if (typeof value === 'object') return clip(JSON.stringify(value), max);
  return clip(String(value), max);
}

/** "• *field*: from → to" lines, at most `max` of them. */
export function changeLines(changes: Changes | undefined, max = 10): Md {
  const entries = Object.entries(changes ?? {});
  const lines = entries.slice(0, max).map(([field, c]) => md`• ${bold(field)}: ${valueText(c?.from)} → ${valueText(c?.to)}`);
  if (entries.length > max) lines.push(md`• …and ${entries.length - max} more`);
  return joinMd(lines, '\n');
}

/** "[mobile-app] " or nothing, for fallback texts. */
export function tag(name: string | null | undefined): Md {
  return isBlank(name) ? Md.of('') : md`[${clip(name, 60)}] `;
}

/**
 * A person as a message names them: `<@U123>` when the channel may mention them and Slack knows
 * their email (`extras.mentions`), else their name in bold. Only a checked user id becomes `<@…>`.
 */
export function personRef(
  person: { name?: string; email?: string; id?: string } | null | undefined,
  extras: RenderExtras,
  max = 200,
): Md | undefined {
  if (!person) return undefined;
  const id = person.email ? extras.mentions?.[person.email.trim().toLowerCase()] : undefined;
  if (id && /^[UW][A-Z0-9]{2,}$/.test(id)) return Md.of(`<@${id}>`);
  const name = firstText(person.name, person.email, person.id);
  return name ? bold(clip(name, max)) : undefined;
}
