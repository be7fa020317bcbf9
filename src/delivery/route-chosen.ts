/**
 * The channels an event chose itself (`routing.channels`: an alert rule's action names one), as
 * delivery targets: `<teamId>:<channelId>`, or a bare channel id meaning the one workspace's.
 * They need no subscription and pass no kind or filter (the rule chose them), but their team must
 * still be allowed to receive the event (connections).
 */

import type { PipelineEvent } from '../events.js';
import type { Subscription } from '../store/store.js';
import type { MayReceive } from './route.js';

/** The one workspace's team (single-workspace or dry-run mode); absent with several workspaces. */
export type OneTeam = () => Promise<string | undefined>;

/** The id a chosen target carries: not a stored subscription, so nothing may disable or look it up. */
export const CHOSEN_ID_PREFIX = 'chosen:';

const TEAM = /^[TE][A-Z0-9]{1,30}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,30}$/;

export async function chosenTargets(
  event: PipelineEvent,
  only: { teamId: string; channelId: string } | undefined,
  oneTeam: OneTeam | undefined,
  mayReceive: MayReceive | undefined,
): Promise<Subscription[]> {
  const raw = event.routing.channels;
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  if (values.length === 0) return [];
  const out = new Map<string, Subscription>();
  const allowed = new Map<string, boolean>();
  for (const v of values) {
    const parts = v.split(':');
    let teamId: string | undefined;
    let channelId: string | undefined;
    if (parts.length === 2 && TEAM.test(parts[0]) && CHANNEL.test(parts[1])) [teamId, channelId] = parts as [string, string];
    else if (parts.length === 1 && CHANNEL.test(parts[0])) [teamId, channelId] = [await oneTeam?.(), parts[0]];
    if (!teamId || !channelId) continue;
    // With one workspace its team is the only one; a value naming another is not ours.
    const single = await oneTeam?.();
    if (single && teamId !== single) continue;
    if (only && (only.teamId !== teamId || only.channelId !== channelId)) continue;
    if (mayReceive && !allowed.has(teamId)) allowed.set(teamId, await mayReceive(event, teamId));
    if (mayReceive && !allowed.get(teamId)) continue;
    out.set(`${teamId}/${channelId}`, {
      id: `${CHOSEN_ID_PREFIX}${teamId}:${channelId}`,
      teamId,
      channelId,
      source: event.source,
      target: 'chosen',
      kinds: [],
      filters: {},
      createdAt: event.receivedAt,
      disabled: null,
    });
  }
  return [...out.values()];
}
