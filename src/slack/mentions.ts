/**
 * Who a message may @-mention in one channel: the Slack user behind an assignee's email
 * (`users.lookupByEmail`, cached per team), unless the channel turned mentions off
 * (`/threadline settings --mention=off`). Computed per channel at delivery, since both the
 * workspace (whose users) and the setting are the channel's; templates only read the result.
 */

import { createHash } from 'node:crypto';
import type { PipelineEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
import type { SlackApi } from '../delivery/slack-client.js';
import { sourceNamed, type SourceDefinition } from '../sources/index.js';
import { slackUserByEmailKey } from '../store/keys.js';
import type { RenderExtras } from '../../templates/types.js';
import type { ChannelSettingsRepo } from './settings.js';

const FOUND_SECONDS = 24 * 3600;
/** Someone may join the workspace later: a miss is asked again sooner. */
const MISSING_SECONDS = 3600;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export interface ChannelExtrasContext {
  slack: SlackApi;
  event: PipelineEvent;
  teamId: string;
  channelId: string;
  /** The thread's merged state, this event included. */
  state: Record<string, unknown>;
  /** The channel's `--mention` setting when the caller has read it already; unset: read here. */
  mentionSetting?: 'on' | 'off';
}

type Assignee = { type?: string; name?: string; email?: string } | null | undefined;

function assigneeOf(state: Record<string, unknown> | undefined): Assignee {
  const a = state?.assignee;
  return a && typeof a === 'object' ? a : undefined;
}

export function createMentions(deps: {
  store: Pick<KeyValue, 'getRecord' | 'setRecord'> & Pick<ThreadRepo, 'getThread'>;
  settings: ChannelSettingsRepo;
  sources: readonly SourceDefinition[];
  logger: Logger;
}) {
  async function slackUserFor(slack: SlackApi, teamId: string, email: string): Promise<string | undefined> {
    const normalized = email.trim().toLowerCase();
    const key = slackUserByEmailKey(teamId, createHash('sha256').update(normalized).digest('hex').slice(0, 32));
    const cached = await deps.store.getRecord<{ id?: string }>(key);
    if (cached) return cached.id;
    if (slack.dryRun) return undefined;
    try {
      const res = await slack.call<{ user?: { id?: string; deleted?: boolean } }>('users.lookupByEmail', { email: normalized });
      const id = res.user && !res.user.deleted && SLACK_USER_ID.test(res.user.id ?? '') ? res.user.id : undefined;
      await deps.store.setRecord(key, id ? { id } : {}, id ? FOUND_SECONDS : MISSING_SECONDS);
      return id;
    } catch (err) {
      // users_not_found is Slack's answer for "no such person": cache it; anything else, ask again later.
      const code = (err as { code?: string; data?: { error?: string } }).data?.error ?? (err as { code?: string }).code;
      if (code === 'users_not_found') await deps.store.setRecord(key, {}, MISSING_SECONDS);
      else deps.logger.warn({ teamId, error: (err as Error).message }, 'users.lookupByEmail failed; the assignee is named instead');
      return undefined;
    }
  }

  return {
    async forChannel(ctx: ChannelExtrasContext): Promise<Partial<RenderExtras>> {
      const setting = ctx.mentionSetting ?? (await deps.settings.get(ctx.teamId, ctx.channelId)).mention;
      if (setting === 'off') return {};
      const related = sourceNamed(deps.sources, ctx.event.source)?.relatedThread?.(ctx.event);
      const relatedAssignee = related ? assigneeOf((await deps.store.getThread(ctx.teamId, ctx.channelId, related))?.state) : undefined;
      const mentions: Record<string, string> = {};
      for (const a of [assigneeOf(ctx.state), relatedAssignee]) {
        const email = a?.email?.trim().toLowerCase();
        if (!email || mentions[email]) continue;
        const id = await slackUserFor(ctx.slack, ctx.teamId, email);
        if (id) mentions[email] = id;
      }
      return { mentions, ...(relatedAssignee ? { relatedAssignee } : {}) };
    },
  };
}
