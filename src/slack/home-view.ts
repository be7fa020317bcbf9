/**
 * The App Home tab, as a pure function of what the store holds for one team. Slack rejects a view
 * over 100 blocks or a section over 3000 characters, so every list here is capped.
 */

import type { Backlog } from '../queue/queue.js';
import type { types } from '@slack/bolt';
import type { DeadLetter, DeadLetterStats } from '../store/store.js';
import { cutText, clip as clipRaw } from '../../templates/blocks.js';
import { describeFilters, describeKinds, describeTarget, esc, PAUSED_MARK, type ShownSubscription } from './describe.js';
import { ACTION_IDS } from './requirements.js';

export interface DeliveryEntry {
  at: string;
  type: string;
  channelId: string;
  status: 'posted' | 'replied' | 'failed' | 'dead';
  error?: string;
}

export interface HomeData {
  subscriptions: ShownSubscription[];
  /** The workspace's connections (escaped mrkdwn lines); absent with one workspace. */
  connections?: string[];
  deliveries: DeliveryEntry[];
  deadLetters: DeadLetter[];
  /** How many dead letters the store holds (all teams) against the caps. */
  deadLetterStats?: DeadLetterStats;
  /** One line at the top, e.g. the outcome of a Retry click. */
  notice?: string;
  /** Deliveries not done yet (all workspaces) and since when the oldest waits. */
  backlog?: Backlog;
  /** For the oldest's age (tests). */
  now?: number;
}

export const MAX_BLOCKS = 100;
export const MAX_TEXT = 3000;
const MAX_CHANNELS = 40;
const MAX_DEAD_LETTERS = 20;

const STATUS_ICON: Record<DeliveryEntry['status'], string> = { posted: '✅', replied: '↩️', failed: '⚠️', dead: '☠️' };

type Block = types.KnownBlock;

/** Cuts escaped mrkdwn between atoms, so a `<!date^…|…>` token or an `&amp;` is never split. */
function clip(s: string, max = MAX_TEXT): string {
  return cutText(s, max);
}

/** A raw string (an error message) escaped, then cut. */
function clipText(raw: string, max: number): string {
  return clipRaw(raw, max).value;
}

/** `<#C…>` for a real channel id; anything else is shown as text, so a stored value cannot ping. */
export function channel(id: string): string {
  return /^[CGD][A-Z0-9]{1,30}$/.test(id) ? `<#${id}>` : `\`${esc(id)}\``;
}

/** Slack renders the time in the viewer's zone; the fallback is the ISO string. */
function when(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return esc(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${esc(iso)}>`;
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

export function errorText(error: unknown): string {
  if (error === undefined || error === null) return '';
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const e = error as { message?: unknown; error?: unknown };
    if (typeof e.message === 'string') return e.message;
    if (typeof e.error === 'string') return e.error;
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

function subscriptionBlocks(subs: ShownSubscription[]): Block[] {
  if (subs.length === 0) {
    return [section(esc('No subscriptions yet. In a channel, type `/threadline subscribe sentry <org>/<project>` or `/threadline help`.'))];
  }
  const byChannel = new Map<string, ShownSubscription[]>();
  for (const s of subs) byChannel.set(s.channelId, [...(byChannel.get(s.channelId) ?? []), s]);
  const channels = [...byChannel.keys()].sort();
  const blocks = channels.slice(0, MAX_CHANNELS).map((channelId) => {
    const lines = (byChannel.get(channelId) ?? []).map((s) => {
      const disabled = s.disabled ? `\n    ⛔ disabled: ${esc(s.disabled.reason)} since ${when(s.disabled.at)}` : '';
      return clip(
        `• ${describeTarget(s)} — ${describeKinds(s.kinds)} · ${describeFilters(s.filters)}${disabled}${s.paused ? PAUSED_MARK : ''}`,
        500,
      );
    });
    return section(fitLines(channel(channelId), lines));
  });
  if (channels.length > MAX_CHANNELS) blocks.push(section(`…and ${channels.length - MAX_CHANNELS} more channels.`));
  return blocks;
}

/** The head and as many whole lines as fit one section, then how many were left out. */
function fitLines(head: string, lines: string[]): string {
  const room = MAX_TEXT - 40;
  let text = head;
  let shown = 0;
  for (const line of lines) {
    if (text.length + 1 + line.length > room) break;
    text += `\n${line}`;
    shown++;
  }
  return shown < lines.length ? `${text}\n…and ${lines.length - shown} more (\`/threadline list\` there)` : text;
}

function deliveryBlocks(deliveries: DeliveryEntry[]): Block[] {
  if (deliveries.length === 0) return [section('Nothing delivered yet.')];
  const lines = deliveries.slice(0, 20).map((d) => {
    const err = d.error ? ` — ${clipText(d.error, 120)}` : '';
    return `${STATUS_ICON[d.status] ?? '•'} ${esc(d.status)} \`${esc(d.type)}\` → ${channel(d.channelId)} · ${when(d.at)}${err}`;
  });
  return [section(lines.join('\n'))];
}

function deadLetterBlocks(deadLetters: DeadLetter[]): Block[] {
  if (deadLetters.length === 0) return [section('No dead letters. 🎉')];
  return deadLetters.slice(0, MAX_DEAD_LETTERS).map((dl) => {
    const where = dl.channelId ? ` → ${channel(dl.channelId)}` : '';
    const err = errorText(dl.error);
    const copies = dl.count && dl.count > 1 ? ` ×${dl.count}` : '';
    const text = `*${esc(dl.reason)}* \`${esc(dl.type ?? dl.source)}\`${where}${copies} · ${when(dl.createdAt)}${err ? `\n${clipText(err, 500)}` : ''}`;
    const block: Block = { type: 'section', block_id: `dl:${dl.id}`.slice(0, 255), text: { type: 'mrkdwn', text: clip(text) } };
    // Only a dead delivery job can be requeued; an ingest dead letter is kept for reading.
    if (dl.job !== undefined && dl.job !== null) {
      block.accessory = {
        type: 'button',
        action_id: ACTION_IDS.deadLetterRetry,
        text: { type: 'plain_text', text: 'Retry' },
        value: dl.id,
      };
    }
    return block;
  });
}

const n = (x: number) => x.toLocaleString('en-US');
const mib = (bytes: number) => `${n(Math.round((bytes / 1024 / 1024) * 10) / 10)} MiB`;

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}

/** What waits in the queue: during a Slack outage, deliveries wait here instead of failing. */
function backlogBlock(b: Backlog, now: number): Block {
  const text =
    b.pending === 0
      ? 'Queue: nothing waiting'
      : `Queue: ${n(b.pending)} ${b.pending === 1 ? 'delivery' : 'deliveries'} waiting${b.oldestAt === null ? '' : ` · oldest for ${age(now - b.oldestAt)}`}`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** The counts against the caps, so an admin sees a pool filling up before it drops anything. */
function deadLetterStatsBlock(stats: DeadLetterStats): Block {
  const { rejected, delivery, limits } = stats;
  const days = Math.round(limits.ttlSeconds / 86_400);
  const text =
    `Failed deliveries: ${n(delivery.count)} of ${n(limits.maxCount)} · ` +
    `Rejected webhooks: ${n(rejected.count)} of ${n(limits.maxCount)} (${mib(rejected.bytes)} of ${mib(limits.maxBytes)}) · ` +
    `kept ${n(days)} days, oldest dropped first`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

export function buildHomeView(data: HomeData): types.HomeView {
  const blocks: Block[] = [header('Threadline')];
  if (data.notice) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(data.notice) }] });
  if (data.connections) {
    const none = 'None yet: type `/threadline connect sentry` or `/threadline connect bugsee` in any channel.';
    blocks.push(header('Connections'), section(fitLines('*This workspace gets*', data.connections.length ? data.connections : [none])));
  }
  blocks.push(header('Subscriptions'), ...subscriptionBlocks(data.subscriptions));
  blocks.push({ type: 'divider' }, header('Recent deliveries'));
  if (data.backlog) blocks.push(backlogBlock(data.backlog, data.now ?? Date.now()));
  blocks.push(...deliveryBlocks(data.deliveries));
  blocks.push({ type: 'divider' }, header('Dead letters'));
  if (data.deadLetterStats) blocks.push(deadLetterStatsBlock(data.deadLetterStats));
  blocks.push(...deadLetterBlocks(data.deadLetters));
  return { type: 'home', blocks: blocks.slice(0, MAX_BLOCKS) };
}
