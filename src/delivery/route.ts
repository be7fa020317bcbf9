/**
 * Which channels an event goes to: subscriptions on its source and target (each source's
 * definition says which targets an event reaches), its kind, and its filters. One delivery per (team, channel) even
 * when several of a channel's subscriptions match.
 */

import type { PipelineEvent } from '../events.js';
import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import type { Subscription, SubscriptionRepo } from '../store/store.js';
import { matchesFilters } from '../slack/filters.js';

export type RouteOutcome =
  | { ok: true; targets: Subscription[] }
  | { ok: false; reason: 'unroutable' | 'no_subscriber' | 'filtered' | 'internal' };

/** The subscription targets the event reaches, from its source's definition; null when it names none. */
export function targetsOf(event: PipelineEvent, sources: readonly SourceDefinition[] = SOURCES): string[] | null {
  return sourceNamed(sources, event.source)?.targets(event) ?? null;
}

export async function routeEvent(
  store: Pick<SubscriptionRepo, 'findSubscriptions'>,
  event: PipelineEvent,
  only?: { teamId: string; channelId: string },
  sources: readonly SourceDefinition[] = SOURCES,
): Promise<RouteOutcome> {
  if (event.kind === 'installation') return { ok: false, reason: 'internal' };
  const targets = targetsOf(event, sources);
  if (!targets) return { ok: false, reason: 'unroutable' };
  const subs = (await store.findSubscriptions(event.source, targets)).filter(
    (s) => !s.disabled && (!only || (s.teamId === only.teamId && s.channelId === only.channelId)),
  );
  if (subs.length === 0) return { ok: false, reason: 'no_subscriber' };
  const kindMatched = subs.filter((s) => s.kinds.length === 0 || s.kinds.includes(event.kind));
  const matched = kindMatched.filter((s) => matchesFilters(s.filters, event.filters, event.kind));
  const byChannel = new Map<string, Subscription>();
  for (const s of matched) {
    const key = `${s.teamId}/${s.channelId}`;
    if (!byChannel.has(key)) byChannel.set(key, s);
  }
  if (byChannel.size === 0) return { ok: false, reason: kindMatched.length ? 'filtered' : 'no_subscriber' };
  return { ok: true, targets: [...byChannel.values()] };
}
