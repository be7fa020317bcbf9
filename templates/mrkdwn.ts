/**
 * Slack's limits and mrkdwn escaping, the one place for both.
 *
 * Escaping rule: user text reaches a message only through `esc`/`md`/`plain`, which turn `&`, `<`
 * and `>` into entities, so a payload can never write `<!channel>`, `<@U…>` or a link. Mrkdwn is
 * carried as `Md` (a wrapper, not a string), so the compiler refuses a raw string where mrkdwn
 * is expected. Truncation works on escaped text but cuts only between "atoms" (an entity, one of
 * our `<…>` tokens, or a grapheme), so it never splits `&amp;`, a link, or an emoji.
 */

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
const UNSAFE_CHARS =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitize(raw: string): string {
  return raw.replace(UNSAFE_CHARS, '');
}

/** Escapes a user string into mrkdwn. */
export function esc(raw: string | number | null | undefined): Md {
  if (raw === null || raw === undefined) return Md.of('');
  return Md.of(sanitize(String(raw)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

export function toMd(part: MdPart): Md {
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
