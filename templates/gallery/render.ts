/**
 * Renders chosen template snapshots (Block Kit Builder JSON) into HTML pages that approximate
 * Slack's layout, for the README screenshots. Not used by the service.
 *
 * Run from the repository root after `npx vitest run test/templates` has written the snapshots:
 *   npm run build && node dist/templates/gallery/render.js
 * Pages go to docs/gallery/<page>.html; screenshot them with headless Chromium (see STYLEGUIDE.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CSS } from './css.js';

export { CSS };

type Json = Record<string, unknown>;

export interface GalleryPage {
  name: string;
  title: string;
  /** Snapshot paths under test/templates/__snapshots__/, the parent first, then thread replies. */
  card: string;
  replies?: string[];
  /** An options response (`option_groups`) shown as the open menu of the card's external_select. */
  menu?: string;
}

export const PAGES: GalleryPage[] = [
  {
    name: 'sentry-issue',
    title: 'Sentry issue',
    card: 'samples/sentry.issue.archived.card.json',
    replies: [
      'samples/sentry.error.created.reply.json',
      'samples/sentry.comment.created.reply.json',
      'samples/sentry.issue.archived.reply.json',
    ],
  },
  {
    name: 'sentry-seer',
    title: 'Seer issue fix',
    card: 'samples/sentry.seer.pr_created.card.json',
    replies: [
      'samples/sentry.seer.root_cause_completed.reply.json',
      'samples/sentry.seer.coding_completed.reply.json',
      'samples/sentry.seer.pr_created.reply.json',
    ],
  },
  {
    name: 'sentry-stack-trace',
    title: 'Sentry error with its stack trace',
    card: 'fixtures/sentry.error.created.stacktrace.card.json',
    replies: ['fixtures/sentry.error.created.stacktrace.reply.json', 'fixtures/sentry.event_alert.triggered.no-in-app.reply.json'],
  },
  {
    name: 'sentry-seer-agent',
    title: 'Agent-based Seer checklist',
    card: 'threads/sentry_seer_67890.json',
    replies: [
      'fixtures/sentry.seer.root_cause_completed.agent.reply.json',
      'fixtures/sentry.seer.coding_completed.agent.reply.json',
      'fixtures/sentry.seer.pr_ready_for_review.reply.json',
    ],
  },
  {
    name: 'sentry-assign',
    title: 'Assignee picker',
    card: 'samples/sentry.issue.assigned.card.json',
    menu: 'samples/sentry.issue.assign.options.json',
  },
  {
    name: 'sentry-preprod',
    title: 'Sentry build size',
    card: 'samples/sentry.preprod_artifact.size_analysis_completed.regression.card.json',
    replies: ['samples/sentry.preprod_artifact.size_analysis_completed.regression.reply.json'],
  },
  {
    name: 'sentry-preprod-distribution',
    title: 'Sentry build size and distribution',
    card: 'samples/sentry.preprod_artifact.build_distribution_completed.card.json',
    replies: ['samples/sentry.preprod_artifact.build_distribution_completed.reply.json'],
  },
  {
    name: 'bugsee-feedback',
    title: 'Bugsee feedback',
    card: 'samples/bugsee.feedback.message.out.card.json',
    replies: ['samples/bugsee.feedback.message.in.reply.json', 'samples/bugsee.feedback.message.out.reply.json'],
  },
  {
    name: 'bugsee-build',
    title: 'Bugsee build',
    card: 'samples/bugsee.build.created.ready.card.json',
    replies: ['samples/bugsee.build.created.reply.json', 'samples/bugsee.build.created.ready.reply.json'],
  },
  {
    name: 'bugsee-issue',
    title: 'Bugsee issue',
    card: 'samples/bugsee.issue.regressed.card.json',
    replies: [
      'samples/bugsee.issue.updated.reply.json',
      'samples/bugsee.issue.comment.reply.json',
      'samples/bugsee.issue.regressed.reply.json',
    ],
  },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function slackDateText(unix: number, format: string): string {
  const d = new Date(unix * 1000);
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const date = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
  return format.replace('{date_short_pretty}', date).replace('{time}', time).replace('{date_short}', date);
}

function attr(value: string): string {
  return value.replace(/&(?!amp;|lt;|gt;)/g, '&amp;').replace(/"/g, '&quot;');
}

/** Bold, italic, strike and links inside one line of mrkdwn that is not code. */
function inline(text: string): string {
  const tokens: string[] = [];
  // Our `<…>` tokens first, so their URLs are not mistaken for formatting.
  let out = text.replace(/<(!date\^(\d+)\^([^|>]*)\|[^>]*|(https?:\/\/[^|>\s]+)(?:\|([^>]*))?)>/g, (_m, _all, unix, fmt, url, label) => {
    tokens.push(unix ? `<span class="date">${slackDateText(Number(unix), fmt)}</span>` : `<a href="${attr(url)}">${label ?? url}</a>`);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  out = out.replace(/`([^`\n]+)`/g, (_m, c: string) => {
    tokens.push(`<code>${c}</code>`);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  out = out
    .replace(/(^|[\s(\u0000>])\*([^*\n]+)\*(?=$|[\s).,:;!?\u0000])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(\u0000>])_([^_\n]+)_(?=$|[\s).,:;!?\u0000])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(\u0000>])~([^~\n]+)~(?=$|[\s).,:;!?\u0000])/g, '$1<s>$2</s>');
  // Formatting may wrap a token (`*<url|x>*`), so tokens are restored last.
  for (let i = 0; i < 3; i++) out = out.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => tokens[Number(n)]);
  return out;
}

/**
 * Slack mrkdwn (already escaped: `&amp;`, `&lt;`, `&gt;` are valid HTML too) to HTML: code
 * blocks, quotes, inline code, bold, italic, strike, links and date tokens.
 */
export function mrkdwnToHtml(text: string): string {
  const parts = text.split('```');
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${part.replace(/^\n/, '').replace(/\n$/, '')}</pre>`;
      const lines = part.split('\n');
      const html: string[] = [];
      let quote: string[] = [];
      const flush = () => {
        if (quote.length) html.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
        quote = [];
      };
      lines.forEach((line, n) => {
        if (line.startsWith('>')) {
          quote.push(inline(line.replace(/^> ?/, '')));
          return;
        }
        flush();
        html.push(inline(line) + (n < lines.length - 1 ? '<br>' : ''));
      });
      flush();
      return html.join('');
    })
    .join('');
}

function textOf(obj: unknown): string {
  const t = obj as { type?: string; text?: string } | undefined;
  if (!t?.text) return '';
  return t.type === 'mrkdwn' ? mrkdwnToHtml(t.text) : t.text;
}

/**
 * Draws an interactive element (the preview page's clickable buttons); `undefined` falls back to
 * the gallery's static look. `block` is the block holding it.
 */
export type ControlRenderer = (el: Json, block: Json) => string | undefined;

function element(el: Json, block: Json, control?: ControlRenderer): string {
  const custom = control?.(el, block);
  if (custom !== undefined) return custom;
  switch (el.type) {
    case 'button': {
      const cls = `btn${el.style ? ` ${String(el.style)}` : ''}`;
      const label = textOf(el.text);
      return el.url ? `<a class="${cls}" href="${attr(String(el.url))}">${label}</a>` : `<span class="${cls}">${label}</span>`;
    }
    case 'users_select':
      return `<span class="select">${textOf(el.placeholder) || 'Select a user'} <span class="caret">▾</span></span>`;
    case 'external_select':
      return `<span class="select">${textOf(el.placeholder) || 'Select'} <span class="caret">▾</span></span>`;
    case 'overflow':
      return `<span class="btn overflow" title="${((el.options as Json[]) ?? []).map((o) => attr(textOf(o.text))).join(' / ')}">⋮</span>`;
    default:
      return '';
  }
}

export function blocksToHtml(blocks: Json[], control?: ControlRenderer): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'header':
          return `<div class="header">${textOf(b.text)}</div>`;
        case 'section': {
          const text = b.text ? `<div class="text">${textOf(b.text)}</div>` : '';
          const fields = Array.isArray(b.fields)
            ? `<div class="fields">${(b.fields as Json[]).map((f) => `<div>${textOf(f)}</div>`).join('')}</div>`
            : '';
          const acc = b.accessory ? `<div class="accessory">${element(b.accessory as Json, b, control)}</div>` : '';
          return `<div class="section">${text}${fields}${acc}</div>`;
        }
        case 'context':
          return `<div class="context">${(b.elements as Json[]).map((e) => `<span>${textOf(e)}</span>`).join('')}</div>`;
        case 'actions':
          return `<div class="actions">${(b.elements as Json[]).map((el) => element(el, b, control)).join('')}</div>`;
        case 'divider':
          return '<hr>';
        default:
          return '';
      }
    })
    .join('\n');
}

function messageHtml(blocks: Json[], time: string): string {
  return `<div class="message"><div class="avatar">T</div><div class="body"><div class="meta"><b>Threadline</b> <span class="app">APP</span> <span class="time">${time}</span></div>${blocksToHtml(blocks)}</div></div>`;
}

/** An open select menu: its groups' labels and options, as Slack lists them under the control. */
export function menuHtml(options: Json): string {
  const groups = (options.option_groups as Json[] | undefined) ?? [];
  const body = groups
    .map(
      (g) =>
        `<div class="menu-group">${textOf(g.label)}</div>${((g.options as Json[]) ?? []).map((o) => `<div class="menu-option">${textOf(o.text)}</div>`).join('')}`,
    )
    .join('');
  return `<div class="menu">${body}</div>`;
}

export function pageHtml(page: GalleryPage, load: (path: string) => Json | null): string {
  const card = load(page.card);
  const menu = page.menu ? load(page.menu) : null;
  const replies = (page.replies ?? []).map(load).filter((r): r is Json => r !== null);
  const thread = replies.length
    ? `<div class="thread"><div class="label">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</div>${replies.map((r, i) => messageHtml(r.blocks as Json[], `12:${41 + i} PM`)).join('')}</div>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${page.title}</title><style>${CSS}</style></head><body><div class="page"><h1>${page.title}</h1>${card ? messageHtml(card.blocks as Json[], '12:40 PM') : ''}${menu ? menuHtml(menu) : ''}${thread}</div></body></html>\n`;
}

function main(root: string): void {
  const snapshots = join(root, 'test/templates/__snapshots__');
  const outDir = join(root, 'docs/gallery');
  mkdirSync(outDir, { recursive: true });
  const load = (path: string): Json | null => {
    try {
      return JSON.parse(readFileSync(join(snapshots, path), 'utf8')) as Json | null;
    } catch {
      console.warn(`missing snapshot ${path}`);
      return null;
    }
  };
  for (const page of PAGES) {
    writeFileSync(join(outDir, `${page.name}.html`), pageHtml(page, load));
    console.log(`docs/gallery/${page.name}.html`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv[2] ?? process.cwd());
