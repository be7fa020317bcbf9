/**
 * The one place for Slack's limits, escaping and the small formatters every template shares.
 *
 * Escaping rule: user text reaches a message only through `esc`/`md`/`plain`, which turn `&`, `<`
 * and `>` into entities, so a payload can never write `<!channel>`, `<@U…>` or a link. Mrkdwn is
 * carried as `Md` (a wrapper, not a string), so the compiler refuses a raw string where mrkdwn
 * is expected. Truncation works on escaped text but cuts only between "atoms" (an entity, one of
 * our `<…>` tokens, or a grapheme), so it never splits `&amp;`, a link, or an emoji.
 */
import type { ActionsBlock, ActionsElement, Block, Button, ContextBlock, DividerBlock, HeaderBlock, SectionBlock, SlackMessage } from './types.js';

export const LIMITS = {
  blocks: 50,
  messageText: 40_000,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  overflowOptions: 5,
  placeholder: 150,
} as const;

export const ELLIPSIS = '…';
/** The real minus sign, for signed numbers. */
export const MINUS = '−';

// ---------------------------------------------------------------------------------------------
// Mrkdwn values and escaping
// ---------------------------------------------------------------------------------------------

/** Escaped, Slack-ready mrkdwn. Only this module creates it. */
export class Md {
  private constructor(readonly value: string) {}
  /** For text this module builds itself (entities, our own `<…>` tokens). */
  static of(value: string): Md {
    return new Md(value);
  }
  toString(): string {
    return this.value;
  }
}

export type MdPart = Md | string | number | null | undefined | false;

// C0/C1 controls (not tab or newline) and lone surrogates, which Slack rejects or garbles, and
// bidi embeddings/overrides (U+202A–U+202E), which let a payload reorder the text around it.
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitize(raw: string): string {
  return raw.replace(UNSAFE_CHARS, '');
}

/** Escapes a user string into mrkdwn. */
export function esc(raw: string | number | null | undefined): Md {
  if (raw === null || raw === undefined) return Md.of('');
  return Md.of(sanitize(String(raw)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

function toMd(part: MdPart): Md {
  if (part instanceof Md) return part;
  if (part === null || part === undefined || part === false) return Md.of('');
  return esc(part);
}

/** Tagged template: literal parts are ours (trusted mrkdwn), interpolated strings are escaped. */
export function md(strings: TemplateStringsArray, ...parts: MdPart[]): Md {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += toMd(part).value + strings[i + 1];
  });
  return Md.of(out);
}

/** Joins the non-empty parts. */
export function joinMd(parts: MdPart[], sep = ' · '): Md {
  const kept = parts.map(toMd).filter((p) => p.value.trim() !== '');
  return Md.of(kept.map((p) => p.value).join(sep));
}

export function isBlank(value: string | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || value.trim() === '';
}

/** The first argument that is a non-blank string. */
export function firstText(...values: (string | null | undefined)[]): string | undefined {
  return values.find((v): v is string => !isBlank(v));
}

// ---------------------------------------------------------------------------------------------
// Truncation
// ---------------------------------------------------------------------------------------------

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ATOM = /&(?:amp|lt|gt);|<[^<>\n]*>/g;

/** The longest prefix of `text` within `budget` that ends between atoms. Lazy: huge inputs cost only the prefix. */
function prefixOfAtoms(text: string, budget: number): string {
  let out = '';
  const take = (s: string): boolean => {
    for (const g of graphemes.segment(s)) {
      if (out.length + g.segment.length > budget) return false;
      out += g.segment;
    }
    return true;
  };
  let last = 0;
  for (const m of text.matchAll(ATOM)) {
    if (!take(text.slice(last, m.index))) return out;
    if (out.length + m[0].length > budget) return out;
    out += m[0];
    last = m.index + m[0].length;
  }
  take(text.slice(last));
  return out;
}

/** Cuts escaped mrkdwn (or plain text) to `max` UTF-16 units, ending in "…", between atoms only. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const fence = text.includes('```');
  // Room for the ellipsis, and for closing a code fence the cut may leave open.
  const budget = max - ELLIPSIS.length - (fence ? 4 : 0);
  let out = prefixOfAtoms(text, budget).replace(/\s+$/u, '') + ELLIPSIS;
  if (fence && (out.match(/```/g) ?? []).length % 2 === 1) out += '\n```';
  return out;
}

/** Escapes (when given a raw string) then cuts to `max`. */
export function clip(text: Md | string | null | undefined, max: number): Md {
  const m = text instanceof Md ? text : esc(text);
  return Md.of(cutText(m.value, max));
}

/** Escaped plain_text (Slack decodes the entities in plain_text too), cut to `max`. */
export function plain(raw: string | null | undefined, max: number): string {
  return cutText(esc(raw).value, max);
}

// ---------------------------------------------------------------------------------------------
// Inline mrkdwn
// ---------------------------------------------------------------------------------------------

/** Bold user text; `*` inside would end the bold early, so it becomes a look-alike. */
export function bold(text: MdPart): Md {
  const m = typeof text === 'string' ? esc(text.replace(/\*/g, '∗')) : toMd(text);
  return m.value.trim() === '' ? m : md`*${m}*`;
}

export function italic(text: MdPart): Md {
  const m = typeof text === 'string' ? esc(text.replace(/_/g, 'ˍ')) : toMd(text);
  return m.value.trim() === '' ? m : md`_${m}_`;
}

export function strike(text: MdPart): Md {
  const m = typeof text === 'string' ? esc(text.replace(/~/g, '∼')) : toMd(text);
  return m.value.trim() === '' ? m : md`~${m}~`;
}

/** Inline code; backticks inside would close it, so they become a look-alike. */
export function code(raw: string | number | null | undefined, max = 200): Md {
  if (raw === null || raw === undefined || String(raw).trim() === '') return Md.of('');
  const inner = clip(String(raw).replace(/`/g, 'ˋ').replace(/\n/g, ' '), max);
  return md`\`${inner}\``;
}

/** A fenced code block of our own pre-escaped lines. */
export function codeBlock(lines: Md[]): Md {
  const body = lines.map((l) => l.value.replace(/```/g, 'ˋˋˋ')).join('\n');
  return Md.of('```\n' + body + '\n```');
}

/** Quotes user text line by line (`>` marks a quote only at a line start). */
export function quote(raw: string | null | undefined, max = 1500, maxLines = 12): Md {
  if (isBlank(raw)) return Md.of('');
  let lines = sanitize(raw).split(/\r?\n/);
  const more = lines.length > maxLines;
  if (more) lines = lines.slice(0, maxLines);
  const body = clip(lines.join('\n') + (more ? ELLIPSIS : ''), max);
  return Md.of(
    body.value
      .split('\n')
      .map((l) => `>${l === '' ? '' : ' ' + l}`)
      .join('\n'),
  );
}

/** An http(s) URL short enough for Slack, else undefined. Never fetched. */
export function safeUrl(raw: string | null | undefined): string | undefined {
  if (isBlank(raw) || raw.length > LIMITS.url) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // `|` and `>` end a Slack link token; the WHATWG serializer leaves `|` alone.
  const href = url.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return href.length <= LIMITS.url ? href : undefined;
}

/** `<url|label>`, or just the label when the URL is not safe. */
export function link(url: string | null | undefined, label: MdPart): Md {
  const href = safeUrl(url);
  const text = toMd(label);
  const shown = Md.of(cutText((text.value.trim() === '' ? esc(href ?? '') : text).value, 500));
  if (!href) return shown;
  // A line break or `|` inside the label would end Slack's link token early.
  return Md.of(`<${href.replace(/&/g, '&amp;')}|${shown.value.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '¦')}>`);
}

// ---------------------------------------------------------------------------------------------
// Numbers, sizes, dates, lists
// ---------------------------------------------------------------------------------------------

/** 1234 → "1.2k", 12345 → "12k", 1_500_000 → "1.5M". */
export function shortNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? MINUS : '';
  const a = Math.abs(n);
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (a >= size) {
      const v = a / size;
      const s = v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
      // 999_950 rounds to "1000k": promote to the next unit.
      if (s === '1000' && suffix !== 'B') return sign + (suffix === 'k' ? '1M' : '1B');
      return sign + s + suffix;
    }
  }
  return sign + String(Math.round(a));
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes in SI units (base 1000, as app stores show sizes): 27_500_000 → "27.5 MB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? MINUS : '';
  let a = Math.abs(n);
  let i = 0;
  while (a >= 1000 && i < BYTE_UNITS.length - 1) {
    a /= 1000;
    i++;
  }
  if (i === 0) return `${sign}${Math.round(a)} B`;
  let s = a >= 100 ? String(Math.round(a)) : a.toFixed(1);
  if (s === '1000' && i < BYTE_UNITS.length - 1) {
    s = '1.0';
    i++;
  }
  return `${sign}${s} ${BYTE_UNITS[i]}`;
}

/** "+1.0 MB", "−512 B", "±0 B". */
export function signedBytes(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '—';
  if (delta === 0) return '±0 B';
  return (delta > 0 ? '+' : '') + formatBytes(delta);
}

/** "+3.0%", "−1.2%", "±0%". */
export function signedPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  // Rounded by magnitude, so −1.25 and +1.25 both show 1.3.
  const r = Math.round(Math.abs(pct) * 10) / 10;
  if (r === 0) return '±0%';
  return (pct > 0 ? '+' : MINUS) + r.toFixed(1) + '%';
}

/** Percent change from base to head; undefined without a positive base. */
export function pctChange(base: number | null | undefined, head: number | null | undefined): number | undefined {
  if (base === null || base === undefined || head === null || head === undefined) return undefined;
  if (!Number.isFinite(base) || !Number.isFinite(head) || base <= 0) return undefined;
  return ((head - base) / base) * 100;
}

function fallbackDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A Slack date token, shown in each reader's time zone; the fallback is UTC. */
export function slackDate(iso: string | null | undefined, format = '{date_short_pretty} {time}'): Md {
  if (isBlank(iso)) return Md.of('');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return clip(iso, 40);
  const unix = Math.floor(d.getTime() / 1000);
  // Slack's token takes only non-negative seconds; older dates are shown as plain text.
  if (unix < 0) return esc(fallbackDate(d));
  return Md.of(`<!date^${unix}^${format}|${esc(fallbackDate(d)).value}>`);
}

/** "a", "a and b", "a, b and c", "a, b, c and 3 more". */
export function shortList(items: MdPart[], max = 3): Md {
  const kept = items.map(toMd).filter((m) => m.value.trim() !== '');
  if (kept.length === 0) return Md.of('');
  const shown = kept.slice(0, kept.length > max ? max : kept.length);
  const rest = kept.length - shown.length;
  const parts = shown.map((m) => m.value);
  if (rest > 0) return Md.of(`${parts.join(', ')} and ${rest} more`);
  if (parts.length === 1) return Md.of(parts[0]);
  return Md.of(`${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${shortNumber(n)} ${n === 1 ? one : many}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A sparkline of the finite values, lowest ▁ to highest █; a flat series sits at ▄. */
export function sparkline(values: readonly number[]): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '';
  const min = Math.min(...v);
  const max = Math.max(...v);
  if (max === min) return SPARKS[3].repeat(v.length);
  return v.map((x) => SPARKS[Math.round(((x - min) / (max - min)) * (SPARKS.length - 1))]).join('');
}

/** "Jane" from an actor-ish value, or undefined. */
export function personName(p: { name?: string | null; email?: string | null } | null | undefined): string | undefined {
  return firstText(p?.name, p?.email);
}

/** A short git sha. */
export function shortSha(sha: string | null | undefined): string | undefined {
  return isBlank(sha) ? undefined : sha.trim().slice(0, 7);
}

/** "SOME_CODE" → "Some code". */
export function humanize(raw: string | null | undefined): string {
  if (isBlank(raw)) return '';
  const s = raw.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

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
  const kept = parts.map(toMd).filter((m) => m.value.trim() !== '').slice(0, LIMITS.contextElements);
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
  const b: Button = { type: 'button', text: { type: 'plain_text', text: plain(opts.text, LIMITS.buttonText) || '—', emoji: true }, action_id: opts.actionId };
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
  return { type: 'users_select', action_id: actionId, placeholder: { type: 'plain_text', text: plain(placeholder, LIMITS.placeholder), emoji: true } };
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
      const elements = block.elements.map(enforceElement).filter((e): e is ActionsElement => !!e).slice(0, LIMITS.actionsElements);
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
