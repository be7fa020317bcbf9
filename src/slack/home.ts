/**
 * App Home: the team's subscriptions, recent deliveries and dead letters, and a Retry button per
 * dead letter. The view is rebuilt from the store each time it is opened or a button is clicked.
 */

import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import { deliveriesKey } from '../store/keys.js';
import type { DeadLetterRepo, KeyValue, SubscriptionRepo } from '../store/store.js';
import { buildHomeView, channel, type DeliveryEntry } from './home-view.js';
import { esc } from './describe.js';
import type { Tenancy } from '../connections/tenancy.js';
import { markPaused } from './commands-connect.js';
import type { Backlog } from '../queue/queue.js';

export interface HomeDeps {
  store: Pick<KeyValue, 'listCapped'> & Pick<SubscriptionRepo, 'listSubscriptions'> & DeadLetterRepo;
  /** Puts the dead letter's job back on the queue (and removes the dead letter). */
  requeueDeadLetter: (id: string, teamId: string) => Promise<void>;
  logger: Logger;
  /** Connections (multi-workspace): shown above the subscriptions, and paused subscriptions marked. */
  tenancy?: Pick<Tenancy, 'multiWorkspace' | 'paused' | 'connectionLines'>;
  /** The delivery queue's backlog (all workspaces), shown so an outage's waiting work is visible. */
  backlog?: () => Promise<Backlog>;
}

export { deliveriesKey };

export async function publishHome(client: WebClient, deps: HomeDeps, teamId: string, userId: string, notice?: string): Promise<void> {
  const [subscriptions, deliveries, deadLetters, deadLetterStats, backlog] = await Promise.all([
    deps.store.listSubscriptions({ teamId }),
    deps.store.listCapped<DeliveryEntry>(deliveriesKey(teamId), 20),
    deps.store.listDeadLetters(20, { teamId }),
    deps.store.deadLetterStats(),
    // The page still opens when the queue does not answer.
    deps.backlog?.().catch(() => undefined),
  ]);
  const own = subscriptions.filter((s) => s.teamId === teamId);
  const multi = deps.tenancy?.multiWorkspace ? deps.tenancy : undefined;
  const view = buildHomeView({
    subscriptions: multi ? await markPaused(own, multi) : own,
    connections: multi ? await multi.connectionLines(teamId) : undefined,
    deliveries,
    deadLetters: deadLetters.filter((d) => d.teamId === teamId),
    deadLetterStats,
    backlog,
    notice,
  });
  await client.views.publish({ user_id: userId, view });
}

async function retry(deps: HomeDeps, id: string, teamId: string): Promise<string> {
  const dl = await deps.store.getDeadLetter(id);
  // Another team's id reads exactly like a missing one, so ids leak nothing.
  if (!dl || dl.teamId !== teamId) return '⚠️ That dead letter is no longer there (it may have been retried already).';
  try {
    await deps.requeueDeadLetter(id, teamId);
    deps.logger.info({ teamId, deadLetterId: id, type: dl.type }, 'dead letter requeued');
    return `🔁 Requeued \`${esc(dl.type ?? dl.source)}\`${dl.channelId ? ` for ${channel(dl.channelId)}` : ''}.`;
  } catch (err) {
    deps.logger.error({ err: { message: (err as Error).message }, teamId, deadLetterId: id }, 'dead letter requeue failed');
    return '⚠️ Retry failed; the dead letter is still here. Try again in a moment.';
  }
}

export function registerHome(bolt: App, deps: HomeDeps): void {
  bolt.event('app_home_opened', async ({ event, body, context, client }) => {
    if (event.tab !== 'home') return;
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id;
    if (!teamId) return;
    try {
      await publishHome(client, deps, teamId, event.user);
    } catch (err) {
      deps.logger.error({ err: { message: (err as Error).message }, teamId }, 'app home publish failed');
    }
  });

  bolt.action('threadline.deadletter.retry', async ({ ack, body, action, context, client }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !action.value) return;
    const teamId = body.team?.id ?? context.teamId;
    if (!teamId) return;
    const notice = await retry(deps, action.value, teamId);
    try {
      await publishHome(client, deps, teamId, body.user.id, notice);
    } catch (err) {
      deps.logger.error({ err: { message: (err as Error).message }, teamId }, 'app home publish failed');
    }
  });
}
