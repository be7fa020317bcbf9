/**
 * Which channels an event goes to: subscriptions on its source and target (Sentry `org/project`
 * or `org/*`, Bugsee app key), its kind, and its filters. One delivery per (team, channel) even
 * when several of a channel's subscriptions match.
 */

import type { AnyEvent } from '../events.js';
import type { Subscription, SubscriptionRepo } from '../store/store.js';
import { matchesFilters } from '../slack/filters.js';

export type RouteOutcome =
  | { ok: true; targets: Subscription[] }
  | { ok: false; reason: 'unroutable' | 'no_subscriber' | 'filtered' | 'internal' };

export function targetsOf(event: AnyEvent): string[] | null {
  const r = event.routing;
  if (event.source === 'sentry') {
    if (!r.org) return null;
    const projects = r.projects?.length ? r.projects : r.project ? [r.project] : [];
    return [...projects.map((p) => `${r.org}/${p}`), `${r.org}/*`];
  }
  if (!r.appKey) return null;
  return r.appKey === '*' ? ['*'] : [r.appKey, '*'];
}

export async function routeEvent(store: Pick<SubscriptionRepo, 'findSubscriptions'>, event: AnyEvent, only?: { teamId: string; channelId: string }): Promise<RouteOutcome> {
  if (event.kind === 'installation') return { ok: false, reason: 'internal' };
  const targets = targetsOf(event);
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
