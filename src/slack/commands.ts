/**
 * `/threadline`: acks at once (Slack gives up after 3 s), then does the store work and answers the
 * person who typed it through `respond` (ephemeral). Every outcome, parse errors and failures
 * included, gets a reply: never silence and never a 500.
 */

import { randomUUID } from 'node:crypto';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { Subscription, SubscriptionRepo } from '../store/store.js';
import { parseCommand, type Command } from './command-parse.js';
import { describeFilters, describeKinds, describeTarget } from './describe.js';
import { helpReply, listReply, replyText, settingsReply, subscriptionLines, usageReply } from './command-replies.js';
import type { ChannelSettingsRepo } from './settings.js';
import { Md } from '../../templates/blocks.js';
import type { SourceDefinition } from '../sources/index.js';
import type { Tenancy } from '../connections/tenancy.js';
import { markPaused, withConnections } from './commands-connect.js';

export interface CommandDeps {
  store: SubscriptionRepo;
  logger: Logger;
  now?: () => Date;
  idGen?: () => string;
  /** No Slack credentials: skip Web API calls (conversations.info) and decide from the payload alone. */
  dryRun?: boolean;
  /** The sources a channel can subscribe to (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  /** Connections (multi-workspace): `connect`/`disconnect`, refused subscribes, paused subscriptions. */
  tenancy?: Pick<Tenancy, 'multiWorkspace' | 'command' | 'subscribeRefusal' | 'paused' | 'connectionLines'>;
  /** Per-channel settings (`/threadline settings`, shown by `list`); without it `settings` says so. */
  settings?: ChannelSettingsRepo;
}

type Privacy = 'public' | 'private-member' | 'private' | 'unknown';

export const INVITE_HINT =
  '🔒 This is a private channel: Threadline can only post here once it is a member. Invite it with `/invite @Threadline`.';

function looksPrivate(command: SlashCommand): boolean {
  return command.channel_name === 'privategroup' || command.channel_id.startsWith('G') || command.channel_name.startsWith('mpdm-');
}

function isDirectMessage(command: SlashCommand): boolean {
  return command.channel_name === 'directmessage' || command.channel_id.startsWith('D');
}

/** Slack says channel_not_found when the bot cannot see a private channel it was not invited to. */
async function channelPrivacy(client: WebClient, command: SlashCommand, deps: CommandDeps): Promise<Privacy> {
  const guess: Privacy = looksPrivate(command) ? 'private' : 'unknown';
  if (deps.dryRun) return guess;
  try {
    const info = await client.conversations.info({ channel: command.channel_id });
    const ch = info.channel;
    if (!ch?.is_private) return 'public';
    return ch.is_member ? 'private-member' : 'private';
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found') return 'private';
    deps.logger.warn({ err: { message: (err as Error).message, code }, channel: command.channel_id }, 'conversations.info failed');
    return guess;
  }
}

async function subscribe(
  cmd: Extract<Command, { verb: 'subscribe' }>,
  command: SlashCommand,
  client: WebClient,
  deps: CommandDeps,
): Promise<string> {
  if (isDirectMessage(command)) {
    return '⚠️ Subscriptions live in channels: run `/threadline subscribe …` in the channel that should get the messages.';
  }
  const refusal = await deps.tenancy?.subscribeRefusal(command.team_id, cmd.source, cmd.target);
  if (refusal) return replyText(Md.of(refusal));
  const now = (deps.now ?? (() => new Date()))();
  const existing = (await deps.store.listSubscriptions({ teamId: command.team_id, channelId: command.channel_id })).find(
    (s) => s.teamId === command.team_id && s.source === cmd.source && s.target === cmd.target,
  );
  const saved = await deps.store.upsertSubscription({
    id: existing?.id ?? (deps.idGen ?? randomUUID)(),
    teamId: command.team_id,
    channelId: command.channel_id,
    source: cmd.source,
    target: cmd.target,
    kinds: cmd.kinds,
    filters: cmd.filters,
    createdBy: command.user_id,
    createdAt: existing?.createdAt ?? now.toISOString(),
    disabled: null,
  });
  deps.logger.info(
    {
      teamId: saved.teamId,
      channelId: saved.channelId,
      source: saved.source,
      target: saved.target,
      kinds: saved.kinds,
      filters: saved.filters,
    },
    existing ? 'subscription updated' : 'subscription created',
  );
  const verb = existing ? (existing.disabled ? 'Re-enabled and updated' : 'Updated') : 'Subscribed';
  const lines = [
    `✅ ${verb}: this channel gets ${describeTarget(saved, deps.sources)}: ${describeKinds(saved.kinds)} · ${describeFilters(saved.filters)}.`,
    'New events post here from now on.',
  ];
  const privacy = await channelPrivacy(client, command, deps);
  if (privacy === 'private') lines.push(INVITE_HINT);
  // The parts are escaped mrkdwn already (describe.ts).
  return replyText(Md.of(lines.join('\n')));
}

async function unsubscribe(cmd: Extract<Command, { verb: 'unsubscribe' }>, command: SlashCommand, deps: CommandDeps): Promise<string> {
  const removed = await deps.store.removeSubscription(command.team_id, command.channel_id, cmd.source, cmd.target);
  if (removed) {
    deps.logger.info(
      { teamId: command.team_id, channelId: command.channel_id, source: cmd.source, target: cmd.target },
      'subscription removed',
    );
    return replyText(Md.of(`🗑️ Unsubscribed: this channel no longer gets ${describeTarget(cmd, deps.sources)}.`));
  }
  const rest = await channelSubscriptions(command, deps);
  const shown = rest.slice(0, 20);
  const more = rest.length > shown.length ? `\n_…and ${rest.length - shown.length} more: \`/threadline list\`_` : '';
  const tail = rest.length ? `\nThis channel's subscriptions:\n${subscriptionLines(shown, deps.sources).value}${more}` : '';
  return replyText(Md.of(`There was nothing to remove: this channel has no subscription to ${describeTarget(cmd, deps.sources)}.${tail}`));
}

/** Filtered again here so one team's list can never show another team's rows. */
async function channelSubscriptions(command: SlashCommand, deps: CommandDeps): Promise<Subscription[]> {
  const subs = await deps.store.listSubscriptions({ teamId: command.team_id, channelId: command.channel_id });
  return subs.filter((s) => s.teamId === command.team_id && s.channelId === command.channel_id);
}

async function list(command: SlashCommand, deps: CommandDeps, page: number | undefined): Promise<string> {
  const subs = await channelSubscriptions(command, deps);
  const opts = { page, settings: await deps.settings?.get(command.team_id, command.channel_id), sources: deps.sources };
  if (!deps.tenancy?.multiWorkspace) return listReply(subs, opts);
  return withConnections(await markPaused(subs, deps.tenancy), await deps.tenancy.connectionLines(command.team_id), opts);
}

async function settings(cmd: Extract<Command, { verb: 'settings' }>, command: SlashCommand, deps: CommandDeps): Promise<string> {
  if (!deps.settings) return replyText(Md.of('⚠️ Channel settings are not available on this server.'));
  if (isDirectMessage(command)) return '⚠️ Settings belong to a channel: run `/threadline settings …` in the channel they are for.';
  const changed = Object.keys(cmd.patch).length > 0;
  const now = changed
    ? await deps.settings.update(command.team_id, command.channel_id, cmd.patch)
    : await deps.settings.get(command.team_id, command.channel_id);
  if (changed) deps.logger.info({ teamId: command.team_id, channelId: command.channel_id, settings: now }, 'channel settings changed');
  return settingsReply(now, changed);
}

async function execute(command: SlashCommand, client: WebClient, deps: CommandDeps): Promise<string> {
  const connectAnswer = await deps.tenancy?.command(command.text ?? '', { teamId: command.team_id, userId: command.user_id });
  if (typeof connectAnswer === 'string') return replyText(Md.of(connectAnswer));
  const parsed = parseCommand(command.text ?? '', deps.sources);
  if (!parsed.ok) return usageReply(parsed.error, parsed.usage);
  const cmd = parsed.command;
  switch (cmd.verb) {
    case 'help':
      return helpReply(deps.sources);
    case 'list':
      return list(command, deps, cmd.page);
    case 'subscribe':
      return subscribe(cmd, command, client, deps);
    case 'unsubscribe':
      return unsubscribe(cmd, command, deps);
    case 'settings':
      return settings(cmd, command, deps);
  }
}

async function reply(respond: RespondFn, text: string, deps: CommandDeps): Promise<void> {
  try {
    await respond({ response_type: 'ephemeral', text });
  } catch (err) {
    deps.logger.error({ err: { message: (err as Error).message } }, 'slash command reply failed');
  }
}

export function registerCommands(bolt: App, deps: CommandDeps): void {
  bolt.command('/threadline', async ({ command, ack, respond, client }) => {
    await ack();
    let text: string;
    try {
      text = await execute(command, client, deps);
    } catch (err) {
      deps.logger.error({ err: { message: (err as Error).message }, teamId: command.team_id }, 'slash command failed');
      text = '⚠️ Something went wrong on our side and nothing was changed. Please try again in a moment.';
    }
    await reply(respond, text, deps);
  });
}
