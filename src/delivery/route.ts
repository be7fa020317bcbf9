/**
 * Which channels an event goes to: subscriptions on its source and target (each source's
 * definition says which targets an event reaches), its kind, and its filters; and the channels the
 * event chose itself (`routing.channels`, an alert rule's action), which need no subscription.
 * One delivery per (team, channel) even when several of a channel's subscriptions match.
 */

import type { PipelineEvent } from '../events.js';
import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import type { Subscription, SubscriptionRepo } from '../store/store.js';
import { matchesFilters } from '../slack/filters.js';
import { chosenTargets, type OneTeam, type Target } from './route-chosen.js';
import { isDerivedFor } from './derived.js';

export type RouteOutcome =
  { ok: true; targets: Target[] } | { ok: false; reason: 'unroutable' | 'no_subscriber' | 'filtered' | 'internal' };

/** The subscription targets the event reaches, from its source's definition; null when it names none. */
export function targetsOf(event: PipelineEvent, sources: readonly SourceDefinition[] = SOURCES): string[] | null {
  return sourceNamed(sources, event.source)?.targets(event) ?? null;
}

/** Whether a team may receive an event (its connections; see `src/connections/tenancy.ts`). */
export type MayReceive = (event: PipelineEvent, teamId: string) => Promise<boolean>;

export async function routeEvent(
  store: Pick<SubscriptionRepo, 'findSubscriptions'>,
  event: PipelineEvent,
  only?: { teamId: string; channelId: string },
  sources: readonly SourceDefinition[] = SOURCES,
  mayReceive?: MayReceive,
  oneTeam?: OneTeam,
): Promise<RouteOutcome> {
  if (event.kind === 'installation') return { ok: false, reason: 'internal' };
  const targets = targetsOf(event, sources);
  if (!targets) return { ok: false, reason: 'unroutable' };
  const chosen = await chosenTargets(event, only, oneTeam, mayReceive);
  const found = (await store.findSubscriptions(event.source, targets)).filter(
    (s) => !s.disabled && (!only || (s.teamId === only.teamId && s.channelId === only.channelId)),
  );
  const subs = mayReceive ? await receiving(found, event, mayReceive) : found;
  if (subs.length === 0 && chosen.length === 0) return { ok: false, reason: 'no_subscriber' };
  // A link event goes where both its threads already are: the channel's kinds and filters let them in.
  const derived = isDerivedFor(only, event);
  const kindMatched = derived ? subs : subs.filter((s) => s.kinds.length === 0 || s.kinds.includes(event.kind));
  const matched = derived ? kindMatched : kindMatched.filter((s) => matchesFilters(s.filters, event.filters, event.kind));
  const byChannel = new Map<string, Target>();
  for (const s of matched) {
    const key = `${s.teamId}/${s.channelId}`;
    if (!byChannel.has(key)) byChannel.set(key, s);
  }
  for (const s of chosen) {
    const key = `${s.teamId}/${s.channelId}`;
    const sub = byChannel.get(key);
    // Subscribed too: one delivery, but the rule's own settings for its channel still apply.
    if (!sub) byChannel.set(key, s);
    else if (s.chosen) byChannel.set(key, { ...sub, chosen: s.chosen });
  }
  if (byChannel.size === 0) return { ok: false, reason: kindMatched.length ? 'filtered' : 'no_subscriber' };
  return { ok: true, targets: [...byChannel.values()] };
}

/** The subscriptions whose team may receive the event: the others stay, paused. Asked once per team. */
async function receiving(subs: Subscription[], event: PipelineEvent, mayReceive: MayReceive): Promise<Subscription[]> {
  const teams = new Map<string, boolean>();
  for (const s of subs) if (!teams.has(s.teamId)) teams.set(s.teamId, await mayReceive(event, s.teamId));
  return subs.filter((s) => teams.get(s.teamId));
}
