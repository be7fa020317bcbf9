/**
 * The channels an event chose itself (`routing.channels`: an alert rule's action names one), as
 * delivery targets: `<teamId>:<channelId>`, or a bare channel id meaning the one workspace's.
 * They need no subscription and pass no kind or filter (the rule chose them), but their team must
 * still be allowed to receive the event (connections).
 *
 * A chosen channel may carry its action's own settings (`routing.channelSettings`, a query string
 * per channel: `channel=…&mention=…&thread=off`): who the alert @-mentions there, and whether it
 * is threaded there. They apply to that channel only.
 */

import type { PipelineEvent } from '../events.js';
import type { Subscription } from '../store/store.js';
import type { MayReceive } from './route.js';

/** The one workspace's team (single-workspace or dry-run mode); absent with several workspaces. */
export type OneTeam = () => Promise<string | undefined>;

/** The id a chosen target carries: not a stored subscription, so nothing may disable or look it up. */
export const CHOSEN_ID_PREFIX = 'chosen:';

/** How one chosen channel takes the event, from its alert action's settings. */
export interface ChosenSettings {
  /** The Slack token to prefix the alert with: `<!here>` or `<!subteam^S…>`, built from a checked id only. */
  mention?: string;
  /** `off`: the alert is its own message in that channel (as `--threads=off`). */
  threads?: 'off';
}

/** A delivery target: a subscription, or a chosen channel, with the chosen channel's settings. */
export type Target = Subscription & { chosen?: ChosenSettings };

const TEAM = /^[TE][A-Z0-9]{1,30}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,30}$/;
const SUBTEAM = /^S[A-Z0-9]{2,30}$/;

function values(raw: string | string[] | undefined): string[] {
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
}

/** `T1:C1` or `C1` → team and channel (a bare id is the one workspace's). */
async function parseValue(v: string, oneTeam: OneTeam | undefined): Promise<{ teamId?: string; channelId?: string }> {
  const parts = v.split(':');
  if (parts.length === 2 && TEAM.test(parts[0]) && CHANNEL.test(parts[1])) return { teamId: parts[0], channelId: parts[1] };
  if (parts.length === 1 && CHANNEL.test(parts[0])) return { teamId: await oneTeam?.(), channelId: parts[0] };
  return {};
}

/** The settings entries of `routing.channelSettings`, by the channel value they name. */
function settingsByChannel(raw: string | string[] | undefined): Map<string, ChosenSettings> {
  const out = new Map<string, ChosenSettings>();
  for (const entry of values(raw)) {
    const q = new URLSearchParams(entry);
    const channel = q.get('channel');
    if (!channel || out.has(channel)) continue;
    const m = q.get('mention');
    // The payload's value is checked again here: only these two shapes ever reach a message.
    const mention = m === '@here' ? '<!here>' : m && SUBTEAM.test(m) ? `<!subteam^${m}>` : undefined;
    const threads = q.get('thread') === 'off' ? ('off' as const) : undefined;
    if (mention || threads) out.set(channel, { ...(mention ? { mention } : {}), ...(threads ? { threads } : {}) });
  }
  return out;
}

export async function chosenTargets(
  event: PipelineEvent,
  only: { teamId: string; channelId: string } | undefined,
  oneTeam: OneTeam | undefined,
  mayReceive: MayReceive | undefined,
): Promise<Target[]> {
  const list = values(event.routing.channels);
  if (list.length === 0) return [];
  const settings = settingsByChannel(event.routing.channelSettings);
  const out = new Map<string, Target>();
  const allowed = new Map<string, boolean>();
  for (const v of list) {
    const { teamId, channelId } = await parseValue(v, oneTeam);
    if (!teamId || !channelId) continue;
    // With one workspace its team is the only one; a value naming another is not ours.
    const single = await oneTeam?.();
    if (single && teamId !== single) continue;
    if (only && (only.teamId !== teamId || only.channelId !== channelId)) continue;
    if (mayReceive && !allowed.has(teamId)) allowed.set(teamId, await mayReceive(event, teamId));
    if (mayReceive && !allowed.get(teamId)) continue;
    const chosen = settings.get(v);
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
      ...(chosen ? { chosen } : {}),
    });
  }
  return [...out.values()];
}
