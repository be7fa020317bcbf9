/**
 * Counts what Slack received against what was sent: every accepted event must appear in every
 * subscribed channel exactly once (as its thread's parent or as a reply), each thread has one
 * parent, and within a thread the messages come in the order the events were sent.
 */

import type { SlackCall } from '../helpers/fake-slack.js';
import { messageId } from './slack.js';
import type { Workload } from './workload.js';

export interface Tally {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Posts naming an event that was never sent (or a channel it was not for). */
  unexpected: number;
  /** (channel, thread) pairs whose parent count is not exactly 1. */
  badParents: string[];
  /** (channel, thread) pairs whose messages are out of send order. */
  outOfOrder: string[];
  lostSamples: string[];
  duplicateSamples: string[];
}

export function tally(
  workload: Workload,
  posts: SlackCall[],
  opts: { channels: string[]; eventIds?: Iterable<string>; checkOrder?: boolean },
): Tally {
  const eventIds = new Set(opts.eventIds ?? workload.byId.keys());
  const channels = new Set(opts.channels);
  const seen = new Map<string, number>();
  const threads = new Map<string, { parents: number; order: number[] }>();
  let unexpected = 0;
  for (const call of posts) {
    const id = messageId(call);
    const d = id ? workload.byId.get(id.eventId) : undefined;
    if (!id || !d || !eventIds.has(id.eventId) || !channels.has(id.channel)) {
      unexpected += 1;
      continue;
    }
    const key = `${id.channel} ${id.eventId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const tk = `${id.channel} thread ${d.thread}`;
    const t = threads.get(tk) ?? { parents: 0, order: [] };
    if (id.part === 'parent') t.parents += 1;
    t.order.push(d.k);
    threads.set(tk, t);
  }
  const lostSamples: string[] = [];
  const duplicateSamples: string[] = [];
  let delivered = 0;
  let duplicated = 0;
  for (const channel of channels) {
    for (const eventId of eventIds) {
      const n = seen.get(`${channel} ${eventId}`) ?? 0;
      if (n > 0) delivered += 1;
      else if (lostSamples.length < 5) lostSamples.push(`${channel} ${eventId}`);
      if (n > 1) {
        duplicated += n - 1;
        if (duplicateSamples.length < 5) duplicateSamples.push(`${channel} ${eventId} ×${n}`);
      }
    }
  }
  const expectedThreads = new Set<number>();
  for (const eventId of eventIds) expectedThreads.add((workload.byId.get(eventId) as { thread: number }).thread);
  const badParents: string[] = [];
  const outOfOrder: string[] = [];
  for (const channel of channels) {
    for (const thread of expectedThreads) {
      const t = threads.get(`${channel} thread ${thread}`);
      if (!t || t.parents !== 1) badParents.push(`${channel} thread ${thread}: ${t?.parents ?? 0} parents`);
      if (t && opts.checkOrder !== false && t.order.some((k, i) => i > 0 && k < t.order[i - 1])) {
        outOfOrder.push(`${channel} thread ${thread}: ${t.order.join(',')}`);
      }
    }
  }
  const sent = eventIds.size * channels.size;
  return { sent, delivered, lost: sent - delivered, duplicated, unexpected, badParents, outOfOrder, lostSamples, duplicateSamples };
}

/** The one line each scenario prints (and RELIABILITY.md quotes). */
export function reportLine(scenario: string, t: Tally, extra = ''): string {
  return `${scenario}: sent ${t.sent} / delivered ${t.delivered} / lost ${t.lost} / duplicated ${t.duplicated}${extra ? ` (${extra})` : ''}`;
}
