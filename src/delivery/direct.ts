/**
 * Delivers one event to one known channel, outside the queue: a button's own result ("Resolved
 * by @jane") goes into the thread and onto the parent through the same code as a webhook's.
 */

import type { PipelineEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
import { createChannelDelivery, type ChannelResult } from './threads.js';
import type { Renderer } from './render.js';
import type { SlackClients } from './slack-client.js';

export type DeliverDirect = (event: PipelineEvent, teamId: string, channelId: string) => Promise<ChannelResult>;

export function createDirectDelivery(deps: {
  store: KeyValue & ThreadRepo;
  metrics: Metrics;
  logger: Logger;
  render: Renderer;
  slack: SlackClients;
}): DeliverDirect {
  const channels = createChannelDelivery({ ...deps, channelIntervalMs: 0, parentWaitMs: 5000 });
  return async (event, teamId, channelId) => {
    const slack = await deps.slack.forTeam(teamId);
    return channels.deliver(slack, { id: event.id, acceptedAt: Date.now() }, event, teamId, channelId);
  };
}
