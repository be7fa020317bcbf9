/**
 * What connections add to `/threadline list` (multi-workspace): the workspace's connections above
 * the channel's subscriptions, and `⏸ not connected` on a subscription its team is no longer
 * connected to (kept, but paused).
 */

import type { Tenancy } from '../connections/tenancy.js';
import type { Subscription } from '../store/store.js';
import { cutText, LIMITS } from '../../templates/blocks.js';
import { listReply, type ListOptions } from './command-replies.js';
import type { ShownSubscription } from './describe.js';

export async function markPaused(subs: readonly Subscription[], tenancy: Pick<Tenancy, 'paused'>): Promise<ShownSubscription[]> {
  const out: ShownSubscription[] = [];
  for (const s of subs) out.push((await tenancy.paused(s)) ? { ...s, paused: true } : s);
  return out;
}

/** The connection lines (escaped mrkdwn from the sources' hooks) above the list reply. */
export function withConnections(subs: readonly ShownSubscription[], lines: readonly string[], opts: ListOptions = {}): string {
  const head = lines.length
    ? `*This workspace's connections*\n${lines.join('\n')}`
    : "*This workspace's connections*\nNone yet: `/threadline connect sentry` · `/threadline connect bugsee`";
  return cutText(`${head}\n\n${listReply(subs, opts)}`, LIMITS.messageText);
}
