/**
 * Checks a message against Slack's limits and our escaping rule. Returns the problems found
 * (empty when the message is fine), so tests can show all of them at once.
 */
import { LIMITS } from './blocks.js';
import { linkTargets, type LinkPolicy } from './links.js';

type Json = Record<string, unknown>;

const ALLOWED_TOKEN = /^<(?:!date\^\d+\^[^|<>\n]*\|[^<>\n]*|https?:\/\/[^\s|<>]+(?:\|[^<>\n]*)?)>/;
/** App Home and command replies name channels on purpose (`<#C…>`); a channel mention never pings. */
const CHANNEL_TOKEN = /^<#[CGD][A-Z0-9]+>/;
const ENTITY = /^&(?:amp|lt|gt);/;

/**
 * Where mrkdwn could do something the payload did not earn: a `<…>` that is not our date or link
 * (`<!channel>`, `<@U…>`, `<#C…>`, `<!subteam…>`), a bare `&`, or a `>` that is not a quote mark.
 */
export function markupProblems(
  text: string,
  kind: 'mrkdwn' | 'plain_text',
  opts: { channels?: boolean; users?: readonly string[] } = {},
): string[] {
  const problems: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '&' && !ENTITY.test(text.slice(i, i + 5))) problems.push(`bare "&" at ${i}`);
    if (ch === '<') {
      const rest = text.slice(i);
      const m =
        kind === 'mrkdwn'
          ? (ALLOWED_TOKEN.exec(rest) ?? (opts.channels ? CHANNEL_TOKEN.exec(rest) : null) ?? userToken(rest, opts.users))
          : null;
      if (m) i += m[0].length - 1;
      else problems.push(`unescaped "<" at ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
    } else if (ch === '>') {
      const quoteMark = kind === 'mrkdwn' && (i === 0 || text[i - 1] === '\n');
      if (!quoteMark) problems.push(`unescaped ">" at ${i}`);
    }
  }
  return problems;
}

/** A user mention is earned only by the ids the delivery resolved for this channel (`extras.mentions`). */
function userToken(rest: string, users: readonly string[] | undefined): RegExpExecArray | null {
  const m = /^<@([UW][A-Z0-9]+)>/.exec(rest);
  return m && users?.includes(m[1]) ? m : null;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Opts = { channels?: boolean; users?: readonly string[] };

function checkText(obj: unknown, where: string, max: number, out: string[], only?: 'plain_text' | 'mrkdwn', opts: Opts = {}): void {
  if (!isObj(obj)) {
    out.push(`${where}: missing text object`);
    return;
  }
  const type = obj.type;
  if (type !== 'plain_text' && type !== 'mrkdwn') out.push(`${where}: bad text type ${String(type)}`);
  if (only && type !== only) out.push(`${where}: must be ${only}`);
  const text = obj.text;
  if (typeof text !== 'string' || text.trim() === '') {
    out.push(`${where}: empty text`);
    return;
  }
  if (text.length > max) out.push(`${where}: text ${text.length} > ${max}`);
  for (const p of markupProblems(text, type === 'mrkdwn' ? 'mrkdwn' : 'plain_text', opts)) out.push(`${where}: ${p}`);
}

function checkUrl(url: unknown, where: string, out: string[]): void {
  if (typeof url !== 'string') {
    out.push(`${where}: url not a string`);
    return;
  }
  if (url.length > LIMITS.url) out.push(`${where}: url ${url.length} > ${LIMITS.url}`);
  if (!/^https?:\/\//i.test(url)) out.push(`${where}: url not http(s)`);
}

function checkElement(el: unknown, where: string, out: string[]): void {
  if (!isObj(el)) return void out.push(`${where}: not an object`);
  const actionId = el.action_id;
  if (typeof actionId === 'string' && actionId.length > LIMITS.actionId) out.push(`${where}: action_id > ${LIMITS.actionId}`);
  if (el.type === 'button') {
    checkText(el.text, `${where}.text`, LIMITS.buttonText, out, 'plain_text');
    if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > LIMITS.buttonValue))
      out.push(`${where}: value > ${LIMITS.buttonValue}`);
    if (el.url !== undefined) checkUrl(el.url, where, out);
    if (typeof actionId !== 'string' && el.url === undefined) out.push(`${where}: button without action_id or url`);
  } else if (el.type === 'overflow') {
    const options = Array.isArray(el.options) ? el.options : [];
    if (options.length < 1 || options.length > LIMITS.overflowOptions) out.push(`${where}: ${options.length} overflow options`);
    options.forEach((o, i) => {
      if (!isObj(o)) return void out.push(`${where}.options[${i}]: not an object`);
      checkText(o.text, `${where}.options[${i}].text`, LIMITS.optionText, out, 'plain_text');
      if (typeof o.value !== 'string' || o.value.length > LIMITS.optionValue)
        out.push(`${where}.options[${i}]: value > ${LIMITS.optionValue}`);
    });
  } else if (el.type === 'users_select') {
    if (el.placeholder !== undefined) checkText(el.placeholder, `${where}.placeholder`, LIMITS.placeholder, out, 'plain_text');
  } else if (el.type === 'external_select') {
    if (el.placeholder !== undefined) checkText(el.placeholder, `${where}.placeholder`, LIMITS.placeholder, out, 'plain_text');
    if (el.min_query_length !== undefined && (typeof el.min_query_length !== 'number' || el.min_query_length < 0))
      out.push(`${where}: min_query_length`);
  } else {
    out.push(`${where}: unexpected element ${String(el.type)}`);
  }
}

function checkBlock(block: unknown, where: string, out: string[], opts: Opts = {}): void {
  if (!isObj(block)) return void out.push(`${where}: not an object`);
  if (typeof block.block_id === 'string' && block.block_id.length > 255) out.push(`${where}: block_id > 255`);
  switch (block.type) {
    case 'header':
      return checkText(block.text, `${where}.text`, LIMITS.headerText, out, 'plain_text');
    case 'section': {
      if (block.text === undefined && block.fields === undefined) out.push(`${where}: section without text or fields`);
      if (block.text !== undefined) checkText(block.text, `${where}.text`, LIMITS.sectionText, out, undefined, opts);
      if (block.fields !== undefined) {
        const f = Array.isArray(block.fields) ? block.fields : [];
        if (f.length < 1 || f.length > LIMITS.fields) out.push(`${where}: ${f.length} fields`);
        f.forEach((x, i) => checkText(x, `${where}.fields[${i}]`, LIMITS.fieldText, out, undefined, opts));
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${where}.accessory`, out);
      return;
    }
    case 'context': {
      const els = Array.isArray(block.elements) ? block.elements : [];
      if (els.length < 1 || els.length > LIMITS.contextElements) out.push(`${where}: ${els.length} context elements`);
      els.forEach((x, i) => checkText(x, `${where}.elements[${i}]`, LIMITS.contextText, out, undefined, opts));
      return;
    }
    case 'actions': {
      const els = Array.isArray(block.elements) ? block.elements : [];
      if (els.length < 1 || els.length > LIMITS.actionsElements) out.push(`${where}: ${els.length} actions elements`);
      const ids = els.map((e) => (isObj(e) ? e.action_id : undefined)).filter((id) => typeof id === 'string');
      if (new Set(ids).size !== ids.length) out.push(`${where}: duplicate action_id`);
      els.forEach((x, i) => checkElement(x, `${where}.elements[${i}]`, out));
      return;
    }
    case 'divider':
      return;
    default:
      out.push(`${where}: unexpected block type ${String(block.type)}`);
  }
}

/**
 * Every problem with `msg`; an empty list means Slack will take it and no payload text can ping or
 * link. With `linkAllowed`, every link and link button must also point to a host it allows.
 */
export function validateMessage(
  msg: unknown,
  opts: { linkAllowed?: LinkPolicy; channels?: boolean; users?: readonly string[] } = {},
): string[] {
  const out: string[] = [];
  if (!isObj(msg)) return ['message is not an object'];
  const allowed = opts.linkAllowed;
  if (allowed)
    for (const href of linkTargets(msg)) if (!allowed(href)) out.push(`link to a host not allowed: ${JSON.stringify(href.slice(0, 80))}`);
  if (typeof msg.text !== 'string' || msg.text.trim() === '') out.push('text: empty fallback text');
  else {
    if (msg.text.length > LIMITS.messageText) out.push(`text: ${msg.text.length} > ${LIMITS.messageText}`);
    for (const p of markupProblems(msg.text, 'mrkdwn', opts)) out.push(`text: ${p}`);
  }
  const blocks = Array.isArray(msg.blocks) ? msg.blocks : undefined;
  if (!blocks) return [...out, 'blocks: missing'];
  if (blocks.length > LIMITS.blocks) out.push(`blocks: ${blocks.length} > ${LIMITS.blocks}`);
  const blockIds = blocks.map((b) => (isObj(b) ? b.block_id : undefined)).filter((id) => typeof id === 'string');
  if (new Set(blockIds).size !== blockIds.length) out.push('blocks: duplicate block_id');
  blocks.forEach((b, i) => checkBlock(b, `blocks[${i}]`, out, opts));
  return out;
}

/** Slack's limit on the blocks of a Home tab view. */
export const HOME_VIEW_BLOCKS = 100;

/**
 * Every problem with an App Home view: the block rules of a message, up to 100 blocks, channel
 * mentions allowed, and no `<…>` that could ping or link elsewhere.
 */
export function validateHomeView(view: unknown): string[] {
  if (!isObj(view) || view.type !== 'home') return ['view is not a home view'];
  const blocks = Array.isArray(view.blocks) ? view.blocks : undefined;
  if (!blocks) return ['blocks: missing'];
  const out: string[] = [];
  if (blocks.length > HOME_VIEW_BLOCKS) out.push(`blocks: ${blocks.length} > ${HOME_VIEW_BLOCKS}`);
  const blockIds = blocks.map((b) => (isObj(b) ? b.block_id : undefined)).filter((id) => typeof id === 'string');
  if (new Set(blockIds).size !== blockIds.length) out.push('blocks: duplicate block_id');
  blocks.forEach((b, i) => checkBlock(b, `blocks[${i}]`, out, { channels: true }));
  return out;
}
