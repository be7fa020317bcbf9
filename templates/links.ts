/**
 * Which hosts a message may link to. A webhook payload names any URL it likes (a forged Bugsee
 * `build.created` put a button to `https://evil.example/login` into a channel), so a link or a
 * link button is kept only when its host belongs to a source or a VCS host we know, or to one the
 * operator named (`LINK_HOSTS`). Any other URL is shown as inline code: visible, but not a link
 * (Slack does not turn text inside backticks into links).
 *
 * Applied to a finished message, so every template and every future one is covered alike.
 */
import type { ActionsElement, Block, SectionBlock, SlackMessage } from './types.js';

/** Says whether a message may link to `href` (an http(s) URL). */
export type LinkPolicy = (href: string) => boolean;

/**
 * Always allowed. A leading `*.` allows the subdomains (and the domain itself); other entries
 * match the host exactly. Slack's own hosts are there for permalinks between threads, which come
 * from `chat.getPermalink`, never from a payload.
 */
export const FIXED_LINK_HOSTS: readonly string[] = [
  '*.sentry.io',
  '*.bugsee.com',
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  '*.slack.com',
];

function normalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function matches(hostname: string, pattern: string): boolean {
  const p = normalHost(pattern);
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return hostname === base || hostname.endsWith(`.${base}`);
  }
  return hostname === p;
}

/** A policy allowing the fixed hosts plus `extra` (host names or `*.domain` patterns). */
export function createLinkPolicy(extra: readonly string[] = []): LinkPolicy {
  const patterns = [...FIXED_LINK_HOSTS, ...extra].map(normalHost).filter((p) => p !== '' && p !== '*.');
  return (href) => {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    const hostname = normalHost(url.hostname);
    return patterns.some((p) => matches(hostname, p));
  };
}

/** The fixed hosts only: what tests and previews render with when no config is given. */
export const DEFAULT_LINK_POLICY: LinkPolicy = createLinkPolicy();

// Our own link token (payload text is escaped, so every `<http…>` in a message is ours).
const LINK_TOKEN = /<(https?:\/\/[^\s|<>]+)(?:\|([^<>\n]*))?>/g;

function unescapeHref(href: string): string {
  return href.replace(/&amp;/g, '&');
}

/** A URL as inline code: escaped mrkdwn, never a link. */
export function urlAsText(href: string): string {
  const shown = href.length > 200 ? `${href.slice(0, 199)}…` : href;
  return `\`${shown.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '%60')}\``;
}

/** Mrkdwn with every link to a host the policy refuses turned into its label and the URL as text. */
export function unlinkText(text: string, allowed: LinkPolicy): string {
  return text.replace(LINK_TOKEN, (token, rawHref: string, label: string | undefined) => {
    const href = unescapeHref(rawHref);
    if (allowed(href)) return token;
    const code = urlAsText(href);
    return label === undefined || label.trim() === '' || unescapeHref(label) === href ? code : `${label} (${code})`;
  });
}

function unlinkTextObject<T extends { type: string; text: string }>(obj: T, allowed: LinkPolicy): T {
  return obj.type === 'mrkdwn' ? { ...obj, text: unlinkText(obj.text, allowed) } : obj;
}

function refusedButton(el: unknown, allowed: LinkPolicy): el is { type: 'button'; url: string; text: { text: string } } {
  const b = el as { type?: string; url?: unknown };
  return b?.type === 'button' && typeof b.url === 'string' && !allowed(b.url);
}

/** "Open in Bugsee: `https://…`" for a link button we may not show. */
function buttonAsText(b: { url: string; text: { text: string } }): string {
  return `${b.text.text}: ${urlAsText(b.url)}`;
}

function unlinkBlock(block: Block, allowed: LinkPolicy): Block[] {
  switch (block.type) {
    case 'section': {
      const out: SectionBlock = { ...block };
      if (block.text) out.text = unlinkTextObject(block.text, allowed);
      if (block.fields) out.fields = block.fields.map((f) => unlinkTextObject(f, allowed));
      if (block.accessory && refusedButton(block.accessory, allowed)) {
        delete out.accessory;
        return [out, { type: 'context', elements: [{ type: 'mrkdwn', text: buttonAsText(block.accessory) }] }];
      }
      return [out];
    }
    case 'context':
      return [{ ...block, elements: block.elements.map((e) => ('text' in e ? unlinkTextObject(e, allowed) : e)) }];
    case 'actions': {
      const refused = block.elements.filter((e) => refusedButton(e, allowed)) as unknown as { url: string; text: { text: string } }[];
      if (refused.length === 0) return [block];
      const kept = block.elements.filter((e): e is ActionsElement => !refusedButton(e, allowed));
      const note: Block = {
        type: 'context',
        elements: refused.slice(0, 10).map((b) => ({ type: 'mrkdwn' as const, text: buttonAsText(b) })),
      };
      return kept.length ? [{ ...block, elements: kept }, note] : [note];
    }
    default:
      return [block];
  }
}

/** The message with links and link buttons to refused hosts shown as text instead. */
export function applyLinkPolicy(msg: SlackMessage, allowed: LinkPolicy): SlackMessage {
  return { text: unlinkText(msg.text, allowed), blocks: msg.blocks.flatMap((b) => unlinkBlock(b, allowed)) };
}

/** Every link target in a message (link tokens in its texts and button URLs), for checks. */
export function linkTargets(msg: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'url') out.push(v);
      else if (key === 'text') for (const m of v.matchAll(LINK_TOKEN)) out.push(unescapeHref(m[1]));
    } else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(msg);
  return out;
}
