/**
 * How a channel takes threads (`/threadline settings --threads --broadcast`): read per delivery
 * from the channel's settings, so a change applies to the next event.
 */

import type { PipelineEvent } from '../events.js';
import type { Broadcast, ChannelSettingsRepo } from '../slack/settings.js';
import { sourceNamed, type SourceDefinition } from '../sources/index.js';

export interface ThreadControl {
  threads: 'on' | 'off';
  broadcast: Broadcast;
  /** 0: never. */
  newThreadAfterDays: number;
  /** `--mention`, read with the rest so a delivery reads the channel's settings once (mentions.ts). */
  mention: 'on' | 'off';
}

export type ThreadControlOf = (teamId: string, channelId: string) => Promise<ThreadControl>;

export function createThreadControl(settings: Pick<ChannelSettingsRepo, 'get'>): ThreadControlOf {
  return async (teamId, channelId) => {
    const s = await settings.get(teamId, channelId);
    return {
      threads: s.threads ?? 'on',
      broadcast: s.broadcast ?? 'off',
      newThreadAfterDays: s['new-thread-after'] ?? 0,
      mention: s.mention ?? 'on',
    };
  };
}

export const isRegression = (event: PipelineEvent, sources: readonly SourceDefinition[]) =>
  sourceNamed(sources, event.source)?.broadcastKind?.(event) === 'regression';

/** Whether the event's reply is also sent to the channel under `control`. */
export function broadcastsReply(control: ThreadControl | undefined, event: PipelineEvent, sources: readonly SourceDefinition[]): boolean {
  if (!control || control.broadcast === 'off') return false;
  if (control.broadcast === 'all') return true;
  const kind = sourceNamed(sources, event.source)?.broadcastKind?.(event) ?? null;
  return (control.broadcast === 'regressions' && kind === 'regression') || (control.broadcast === 'critical' && kind === 'critical');
}
