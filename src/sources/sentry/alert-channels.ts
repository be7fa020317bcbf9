/**
 * Which Slack channels an alert rule of a Sentry installation may pick, and whether a picked one
 * works: the teams are those connected to the installation (with one workspace, that workspace),
 * the channels those the team's bot can post to: every public one (`chat:write.public`) and the
 * private ones it is a member of.
 */

import { isLive } from '../../connections/repo.js';
import { SlackCallError } from '../../delivery/slack-errors.js';
import type { ConnectionContext } from '../kit/connection.js';
import { formatAlertChannel, type AlertChannel } from './alert-settings.js';

export interface ChannelOption {
  label: string;
  value: string;
}

const PAGE = 200;
const MAX_PAGES = 10;
const MAX_OPTIONS = 100;

interface SlackChannel {
  id?: string;
  name?: string;
  is_member?: boolean;
  is_archived?: boolean;
  is_private?: boolean;
}

const postable = (c: SlackChannel) => !c.is_archived && (c.is_member === true || c.is_private === false);

/** The teams whose channels an installation's rules may use. */
export async function teamsOfInstallation(ctx: ConnectionContext, installationId: string | undefined): Promise<string[]> {
  if (ctx.config.slack.mode !== 'oauth') {
    const one = await ctx.oneTeam?.();
    return one ? [one] : [];
  }
  if (!installationId) return [];
  const now = ctx.now();
  const rows = await ctx.store.listConnections({ source: 'sentry' });
  return [...new Set(rows.filter((c) => c.data?.installationUuid === installationId && isLive(c, now)).map((c) => c.teamId))];
}

/** The channels of `teamId` its bot can post to whose name contains `query`, by name. */
export async function postableChannels(ctx: ConnectionContext, teamId: string, query: string): Promise<{ id: string; name: string }[]> {
  if (!ctx.slack) return [];
  const api = await ctx.slack.forTeam(teamId);
  const q = query.trim().replace(/^#/, '').toLowerCase();
  const out: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api.call<{ channels?: SlackChannel[]; response_metadata?: { next_cursor?: string } }>('conversations.list', {
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of r.channels ?? []) {
      if (!c.id || !c.name || !postable(c)) continue;
      if (q && !c.name.toLowerCase().includes(q)) continue;
      out.push({ id: c.id, name: c.name });
    }
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor || out.length >= MAX_OPTIONS) break;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_OPTIONS);
}

/** The options of the `channel` select: `#name`, with the workspace when there are several. */
export async function channelOptions(ctx: ConnectionContext, installationId: string | undefined, query: string): Promise<ChannelOption[]> {
  const teams = await teamsOfInstallation(ctx, installationId);
  const options: ChannelOption[] = [];
  for (const teamId of teams) {
    const suffix = teams.length > 1 ? ` (${await teamLabel(ctx, teamId)})` : '';
    for (const c of await postableChannels(ctx, teamId, query))
      options.push({ label: `#${c.name}${suffix}`, value: formatAlertChannel({ teamId, channelId: c.id }) });
  }
  return options.slice(0, MAX_OPTIONS);
}

async function teamLabel(ctx: ConnectionContext, teamId: string): Promise<string> {
  const raw = await ctx.store.getSlackInstallation(teamId);
  try {
    const name = raw ? (JSON.parse(raw) as { installation?: { team?: { name?: unknown } } }).installation?.team?.name : undefined;
    return typeof name === 'string' && name ? name : teamId;
  } catch {
    return teamId;
  }
}

/** Why the channel does not work for the installation's rules (a sentence for Sentry's form), or null. */
export async function channelRefusal(
  ctx: ConnectionContext,
  installationId: string | undefined,
  chosen: AlertChannel,
): Promise<string | null> {
  const teams = await teamsOfInstallation(ctx, installationId);
  const oauth = ctx.config.slack.mode === 'oauth';
  if (!chosen.teamId && oauth)
    return 'Choose the channel from the list: Threadline serves several Slack workspaces and needs to know which one.';
  const teamId = chosen.teamId ?? teams[0];
  if (!teamId || !teams.includes(teamId)) {
    return oauth
      ? 'This Sentry org is not connected to that Slack workspace. Run /threadline connect sentry in the workspace first.'
      : 'That channel belongs to another Slack workspace than the one Threadline serves.';
  }
  if (!ctx.slack) return null;
  const api = await ctx.slack.forTeam(teamId);
  let channel: SlackChannel | undefined;
  try {
    channel = (await api.call<{ channel?: SlackChannel }>('conversations.info', { channel: chosen.channelId })).channel;
  } catch (err) {
    // A private channel the bot is not in is one it cannot see.
    if (err instanceof SlackCallError && err.code === 'channel_not_found')
      return 'Threadline cannot see that channel (a private channel it is not in?): /invite @Threadline to it, or choose another.';
    throw err;
  }
  if (api.dryRun || !channel) return null;
  const name = channel.name ? `#${channel.name}` : 'that channel';
  if (channel.is_archived) return `${name} is archived: choose another channel.`;
  if (!postable(channel)) return `Threadline is not in ${name}: /invite @Threadline`;
  return null;
}
