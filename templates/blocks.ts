/**
 * Block Kit builders, and `enforceLimits`, which every message leaves through. Escaping and limits
 * are in `./mrkdwn.ts`, the formatters in `./format.ts`; both are re-exported here so a template
 * imports its helpers from one place.
 */
import type { ActionsBlock, ActionsElement, Block, Button, ContextBlock, DividerBlock, HeaderBlock, SectionBlock } from './types.js';
import type { SlackMessage } from './types.js';
import { ELLIPSIS, LIMITS, Md, cutText, esc, isBlank, md, plain, safeUrl, toMd, type MdPart } from './mrkdwn.js';
import { plural } from './format.js';

export * from './mrkdwn.js';
export * from './format.js';

// ---------------------------------------------------------------------------------------------
// Block builders: plain_text builders take raw strings, mrkdwn builders take `Md`.
// ---------------------------------------------------------------------------------------------

export function header(raw: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: plain(raw, LIMITS.headerText) || '—', emoji: true } };
}

export function section(text: Md, accessory?: Button | null): SectionBlock | null {
  if (text.value.trim() === '') return null;
  const block: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: cutText(text.value, LIMITS.sectionText) } };
  if (accessory) block.accessory = accessory;
  return block;
}

/** A two-column field grid: each entry is a label and its value; empty values are left out. */
export function fields(entries: [label: string, value: Md | null | undefined][]): SectionBlock | null {
  const kept = entries.filter((e): e is [string, Md] => !!e[1] && e[1].value.trim() !== '').slice(0, LIMITS.fields);
  if (kept.length === 0) return null;
  return {
    type: 'section',
    fields: kept.map(([label, value]) => ({ type: 'mrkdwn' as const, text: cutText(md`*${label}*\n${value}`.value, LIMITS.fieldText) })),
  };
}

export function context(parts: MdPart[]): ContextBlock | null {
  const kept = parts
    .map(toMd)
    .filter((m) => m.value.trim() !== '')
    .slice(0, LIMITS.contextElements);
  if (kept.length === 0) return null;
  return { type: 'context', elements: kept.map((m) => ({ type: 'mrkdwn' as const, text: cutText(m.value, LIMITS.contextText) })) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(elements: (ActionsElement | null | undefined | false)[]): ActionsBlock | null {
  const kept = elements.filter((e): e is ActionsElement => !!e).slice(0, LIMITS.actionsElements);
  return kept.length === 0 ? null : { type: 'actions', elements: kept };
}

export function button(opts: { text: string; actionId: string; value?: string; style?: 'primary' | 'danger' }): Button | null {
  if (opts.actionId.length > LIMITS.actionId) return null;
  if (opts.value !== undefined && opts.value.length > LIMITS.buttonValue) return null;
  const b: Button = {
    type: 'button',
    text: { type: 'plain_text', text: plain(opts.text, LIMITS.buttonText) || '—', emoji: true },
    action_id: opts.actionId,
  };
  if (opts.value !== undefined) b.value = opts.value;
  if (opts.style) b.style = opts.style;
  return b;
}

/**
 * A button that opens a URL, or null when the URL is not safe. Slack still sends an interaction
 * for it, so its action_id starts with `link.` for the actions handler to acknowledge and ignore.
 */
export function linkButton(text: string, url: string | null | undefined, actionId: string, style?: 'primary'): Button | null {
  const href = safeUrl(url);
  if (!href) return null;
  const b = button({ text, actionId: `link.${actionId}`, style });
  if (b) b.url = href;
  return b;
}

export function usersSelect(actionId: string, placeholder: string): ActionsElement {
  return {
    type: 'users_select',
    action_id: actionId,
    placeholder: { type: 'plain_text', text: plain(placeholder, LIMITS.placeholder), emoji: true },
  };
}

export function overflow(actionId: string, options: { text: string; value: string }[]): ActionsElement | null {
  const kept = options.filter((o) => o.value.length <= LIMITS.optionValue).slice(0, LIMITS.overflowOptions);
  if (kept.length === 0) return null;
  return {
    type: 'overflow',
    action_id: actionId,
    options: kept.map((o) => ({ text: { type: 'plain_text', text: plain(o.text, LIMITS.optionText), emoji: true }, value: o.value })),
  };
}

/** Drops the empty entries of a block list. */
export function compact(blocks: (Block | null | undefined | false)[]): Block[] {
  return blocks.filter((b): b is Block => !!b);
}

export function message(text: Md, blocks: (Block | null | undefined | false)[]): SlackMessage {
  return { text: text.value, blocks: compact(blocks) };
}

// ---------------------------------------------------------------------------------------------
// The last line of defence: every message passes through here before it is returned.
// ---------------------------------------------------------------------------------------------

function cutTextObject<T extends { type: string; text: string }>(obj: T, max: number): T {
  return { ...obj, text: cutText(obj.text, max) };
}

function enforceElement(el: ActionsElement): ActionsElement | null {
  if ('action_id' in el && typeof el.action_id === 'string' && el.action_id.length > LIMITS.actionId) return null;
  if (el.type === 'button') {
    if (el.value !== undefined && el.value.length > LIMITS.buttonValue) return null;
    if (el.url !== undefined && safeUrl(el.url) !== el.url) return null;
    return { ...el, text: cutTextObject(el.text, LIMITS.buttonText) };
  }
  if (el.type === 'overflow') {
    const options = el.options.filter((o) => (o.value ?? '').length <= LIMITS.optionValue).slice(0, LIMITS.overflowOptions);
    if (options.length === 0) return null;
    return { ...el, options: options.map((o) => ({ ...o, text: cutTextObject(o.text, LIMITS.optionText) })) };
  }
  return el;
}

function enforceBlock(block: Block): Block | null {
  switch (block.type) {
    case 'header':
      return { ...block, text: cutTextObject(block.text, LIMITS.headerText) };
    case 'section': {
      const out: SectionBlock = { ...block };
      if (block.text) out.text = cutTextObject(block.text, LIMITS.sectionText);
      if (block.fields) out.fields = block.fields.slice(0, LIMITS.fields).map((f) => cutTextObject(f, LIMITS.fieldText));
      if (block.accessory && block.accessory.type === 'button') {
        const acc = enforceElement(block.accessory);
        if (acc && acc.type === 'button') out.accessory = acc;
        else delete out.accessory;
      }
      return out.text || out.fields?.length ? out : null;
    }
    case 'context': {
      const elements = block.elements.slice(0, LIMITS.contextElements).map((e) => ('text' in e ? cutTextObject(e, LIMITS.contextText) : e));
      return elements.length ? { ...block, elements } : null;
    }
    case 'actions': {
      const elements = block.elements
        .map(enforceElement)
        .filter((e): e is ActionsElement => !!e)
        .slice(0, LIMITS.actionsElements);
      return elements.length ? { ...block, elements } : null;
    }
    default:
      return block;
  }
}

/** Applies every limit in LIMITS; `fallback` is used when the message has no text of its own. */
export function enforceLimits(msg: SlackMessage, fallback = 'Threadline update'): SlackMessage {
  let blocks = msg.blocks.map(enforceBlock).filter((b): b is Block => !!b);
  if (blocks.length > LIMITS.blocks) {
    const omitted = blocks.length - (LIMITS.blocks - 1);
    blocks = [...blocks.slice(0, LIMITS.blocks - 1), context([md`${ELLIPSIS} ${plural(omitted, 'more block')} not shown`])!];
  }
  const text = isBlank(msg.text) ? esc(fallback).value : msg.text;
  return { text: cutText(text, LIMITS.messageText), blocks };
}

/** The first line of a reply without bold marks or a trailing colon, for a notification text. */
export function fallbackLine(m: Md): Md {
  const first = m.value.split('\n')[0];
  return Md.of(first.replace(/<[^<>]*>|\*/g, (t) => (t === '*' ? '' : t)).replace(/:\s*$/, ''));
}
