/** How a subscription reads in replies, `list` and App Home (Slack mrkdwn). */

import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import type { Subscription } from '../store/store.js';
import { esc as escMd } from '../../templates/blocks.js';

/**
 * Slack mrkdwn control characters; user-typed values could otherwise inject links or mentions.
 * The templates' escaping, so control and bidi characters go too.
 */
export function esc(s: string): string {
  return escMd(s).value;
}

/** How the subscription's target reads, as its source describes it. */
export function describeTarget(sub: Pick<Subscription, 'source' | 'target'>, sources: readonly SourceDefinition[] = SOURCES): string {
  const source = sourceNamed(sources, sub.source);
  return source ? source.subscription.describe(sub.target) : `*${esc(sub.source)}* \`${esc(sub.target)}\``;
}

export function describeKinds(kinds: readonly string[]): string {
  return kinds.length === 0 ? 'all kinds' : esc(kinds.join(', '));
}

export function describeFilters(filters: Record<string, string>): string {
  const entries = Object.entries(filters);
  if (entries.length === 0) return 'no filters';
  return entries.map(([k, v]) => `\`--${esc(k)}=${esc(v)}\``).join(' ');
}

export function describeDisabled(sub: Pick<Subscription, 'disabled'>): string {
  return sub.disabled ? ` — ⛔ disabled: ${esc(sub.disabled.reason)} (since ${esc(sub.disabled.at)})` : '';
}

/** A subscription as shown: `paused` when its team is not connected to its target (multi-workspace). */
export type ShownSubscription = Subscription & { paused?: boolean };

export const PAUSED_MARK = ' — ⏸ not connected';

/** One bullet line: target, kinds, filters and, when disabled or paused, why. */
export function describeSubscription(sub: ShownSubscription, sources: readonly SourceDefinition[] = SOURCES): string {
  return `• ${describeTarget(sub, sources)} — ${describeKinds(sub.kinds)} · ${describeFilters(sub.filters)}${describeDisabled(sub)}${sub.paused ? PAUSED_MARK : ''}`;
}
