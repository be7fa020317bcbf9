/**
 * The pretend workspace as HTML fragments: threads (parent card in its current state, replies
 * under it), a channel's ephemerals, the channel list and an open modal. Blocks go through the
 * gallery's Block Kit → HTML renderer, with its buttons made clickable.
 */

import { blocksToHtml, mrkdwnToHtml, type ControlRenderer } from '../../templates/gallery/render.js';
import { PRETEND_PEOPLE } from './people.js';
import type { PreviewChannel, PreviewEphemeral, PreviewMessage, PreviewModal, PreviewThread } from './workspace.js';

type Json = Record<string, unknown>;

const BUILDER = 'https://app.slack.com/block-kit-builder/#';

export function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Element ids from channel ids and timestamps: only characters an id and a URL fragment keep as they are. */
const safeId = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
export const channelDomId = (channel: string) => `ch-${safeId(channel)}`;
export const threadDomId = (channel: string, ts: string) => `t-${safeId(channel)}-${safeId(ts)}`;

/** Block Kit text is already escaped (`&amp;`, `&lt;`, `&gt;`) by the templates; inside an attribute `"` must be too. */
const inAttr = (s: string) => s.replace(/"/g, '&quot;');

const plainText = (t: unknown) => (t && typeof t === 'object' && typeof (t as Json).text === 'string' ? ((t as Json).text as string) : '');

/** Slack's own link to open a message's blocks in Block Kit Builder (a link: the page fetches nothing from it). */
export function builderLink(blocks: unknown[]): string {
  return BUILDER + encodeURIComponent(JSON.stringify({ blocks }));
}

function data(name: string, value: unknown): string {
  return typeof value === 'string' ? ` data-${name}="${esc(value)}"` : '';
}

/** Buttons that act become real buttons; menus and the assignee picker become selects. */
const controls: ControlRenderer = (el, block) => {
  const ids = `${data('action-id', el.action_id)}${data('block-id', block.block_id)}`;
  if (el.type === 'button' && !el.url) {
    const style = typeof el.style === 'string' ? ` ${esc(el.style)}` : '';
    return `<button type="button" class="btn act${style}"${ids}${data('value', el.value)}>${plainText(el.text)}</button>`;
  }
  if (el.type === 'overflow') {
    const options = ((el.options as Json[] | undefined) ?? [])
      .map((o) => `<option value="${esc(String(o.value ?? ''))}">${plainText(o.text)}</option>`)
      .join('');
    return `<select class="select act" data-kind="option" aria-label="More actions"${ids}><option value="">⋮ More…</option>${options}</select>`;
  }
  if (el.type === 'users_select') {
    const label = plainText(el.placeholder) || 'Select a user';
    const people = PRETEND_PEOPLE.map((p) => `<option value="${esc(p.id)}">${esc(p.name)} (@${esc(p.handle)})</option>`).join('');
    return `<select class="select act" data-kind="user" aria-label="${inAttr(label)}"${ids}><option value="">${label}</option>${people}</select>`;
  }
  return undefined;
};

function clock(ts: string): string {
  const d = new Date(Number(ts.split('.')[0]) * 1000);
  return Number.isNaN(d.getTime()) ? '' : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

function bodyOf(blocks: unknown[], text: string): string {
  return blocks.length
    ? blocksToHtml(blocks as Json[], controls)
    : `<div class="section"><div class="text">${mrkdwnToHtml(text)}</div></div>`;
}

export function messageHtml(channel: string, m: PreviewMessage): string {
  const payload = m.blocks.length ? { blocks: m.blocks } : { text: m.text };
  const edited = m.edits > 0 ? ' <span class="time">(edited)</span>' : '';
  return (
    `<div class="message" data-channel="${esc(channel)}" data-ts="${esc(m.ts)}">` +
    '<div class="avatar" aria-hidden="true">T</div><div class="body">' +
    `<div class="meta"><b>Threadline</b> <span class="app">APP</span> <span class="time">${clock(m.ts)}</span>${edited}</div>` +
    bodyOf(m.blocks, m.text) +
    '<div class="tools">' +
    `<button type="button" class="tool copy" data-json="${esc(JSON.stringify(payload, null, 2))}">Copy JSON</button>` +
    (m.blocks.length
      ? `<a class="tool" href="${esc(builderLink(m.blocks))}" target="_blank" rel="noopener noreferrer">Open in Block Kit Builder</a>`
      : '') +
    '</div></div></div>'
  );
}

export function threadHtml(t: PreviewThread): string {
  const parent = t.parent ? messageHtml(t.channel, t.parent) : '<p class="gone">The parent message is no longer kept in the preview.</p>';
  const n = t.replies.length + t.droppedReplies;
  const dropped = t.droppedReplies
    ? `<p class="gone">${t.droppedReplies} older ${t.droppedReplies === 1 ? 'reply' : 'replies'} not kept.</p>`
    : '';
  const replies = n
    ? `<div class="thread"><div class="label">${n} ${n === 1 ? 'reply' : 'replies'}</div>${dropped}${t.replies.map((r) => messageHtml(t.channel, r)).join('')}</div>`
    : '';
  return `<article class="thread-card" id="${threadDomId(t.channel, t.ts)}" data-ts="${esc(t.ts)}" aria-label="Thread">${parent}${replies}</article>`;
}

function ephemeralHtml(e: PreviewEphemeral): string {
  return `<div class="ephemeral" role="note"><div class="only">Only visible to you</div>${bodyOf(e.blocks, e.text)}</div>`;
}

export function ephemeralsHtml(c: PreviewChannel): string {
  return c.ephemerals.slice().reverse().map(ephemeralHtml).join('');
}

/** A channel's section without its threads (the page fills those in). */
export function channelShellHtml(c: Pick<PreviewChannel, 'id'>): string {
  const id = channelDomId(c.id);
  return `<section class="channel" id="${id}" aria-labelledby="${id}-name"><h2 id="${id}-name">#${esc(c.id)}</h2><div class="ephemerals"></div><div class="threads"></div></section>`;
}

export function channelHtml(c: PreviewChannel): string {
  // Newest thread first, by the parent's ts: an update keeps a thread where it is, as in Slack.
  const threads = [...c.threads.values()]
    .sort((a, b) => Number(b.ts) - Number(a.ts))
    .map(threadHtml)
    .join('');
  return channelShellHtml(c).replace(
    '<div class="ephemerals"></div><div class="threads"></div>',
    `<div class="ephemerals">${ephemeralsHtml(c)}</div><div class="threads">${threads}</div>`,
  );
}

export function channelListHtml(channels: PreviewChannel[]): string {
  if (!channels.length) return '<li class="empty">No channels yet: run a scenario.</li>';
  return channels
    .map((c) => `<li><a href="#${channelDomId(c.id)}"># ${esc(c.id)}</a> <span class="count">${c.threads.size}</span></li>`)
    .join('');
}

export function modalHtml(m: PreviewModal): string {
  const v = m.view;
  const title = plainText(v.title) || 'Modal';
  const inputs = ((v.blocks as Json[] | undefined) ?? [])
    .filter((b) => b.type === 'input' && (b.element as Json | undefined)?.type === 'plain_text_input')
    .map((b) => {
      const el = b.element as Json;
      const name = `${String(b.block_id ?? '')}/${String(el.action_id ?? '')}`;
      const id = `in-${safeId(name)}`;
      const max = typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : '';
      return `<label for="${id}">${plainText(b.label)}</label><textarea id="${id}" name="${esc(name)}" rows="4"${max}></textarea><p class="hint">${plainText(b.hint)}</p>`;
    })
    .join('');
  return (
    `<div class="backdrop"><div class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title">` +
    `<form class="view" data-view-id="${esc(m.id)}"><h2 id="modal-title">${title}</h2>${inputs}<p class="error" role="alert"></p>` +
    `<div class="buttons"><button type="button" class="btn" data-close="${esc(m.id)}">${plainText(v.close) || 'Cancel'}</button>` +
    `<button type="submit" class="btn primary">${plainText(v.submit) || 'Submit'}</button></div></form></div></div>`
  );
}
