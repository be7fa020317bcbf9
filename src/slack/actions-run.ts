/**
 * The one path every click takes after its ack: guard, do the work, then either announce the
 * change through the delivery code or tell the clicker why nothing changed.
 */

import type { AnyEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { KeyValue, ThreadRepo } from '../store/store.js';
import type { SlackClients } from '../delivery/slack-client.js';
import type { DeliverDirect } from '../delivery/direct.js';
import type { BugseeApi } from '../sources/bugsee/api.js';
import type { SentryApi } from '../sources/sentry/api.js';
import { claimClick, clickerOf, ownedThread, releaseControl, type Click, type ClickFacts } from './actions-guard.js';
import { reportFailure } from './actions-errors.js';
import { announce } from './actions-outcome.js';
import { mayAct } from './actions-tenancy.js';
import type { Tenancy } from '../connections/tenancy.js';
import type { AssigneeDirectory } from './actions-assignees.js';

export interface ActionDeps {
  store: KeyValue & ThreadRepo;
  logger: Logger;
  metrics: Metrics;
  slack: SlackClients;
  sentryApi: SentryApi;
  bugseeApi: BugseeApi;
  /** Posts the "who did what" reply and updates the card, as the delivery worker would. */
  deliverDirect: DeliverDirect;
  /** Whether the clicking team (and user) may act on the source's account; unset: anyone who owns the message. */
  tenancy?: Pick<Tenancy, 'clickRefusal'>;
  /** The assignee picker's members and teams (cached); made by `registerActions` when not given. */
  assignees?: AssigneeDirectory;
  /** See `AssignOptionsDeps.mayListAssignees`: the tenancy hook for the picker's options. */
  mayListAssignees?: (teamId: string, org: string) => Promise<boolean>;
}

/** What a control of the message sent, besides the ids of the click. */
export interface RawAction {
  value?: string;
  selectedOption?: string;
  /** The chosen option's text, as Slack sends it back (a name we wrote into the option). */
  selectedText?: string;
  selectedUser?: string;
  triggerId?: string;
  /** Values of the other controls in the same actions block (for the assignee select). */
  siblings?: readonly string[];
}

/** A change that happened: the event that shows it, and the webhooks that will echo it. */
export interface Outcome {
  event: AnyEvent;
  echoTypes: readonly string[];
}

/** The work of one control. `ctx.org` names the Sentry org for failure messages once known. */
export type ClickWork = (deps: ActionDeps, click: Click, raw: RawAction, ctx: { org?: string }) => Promise<Outcome | null>;

export async function runClick(deps: ActionDeps, facts: ClickFacts, control: string, raw: RawAction, work: ClickWork): Promise<void> {
  const log = deps.logger.child({ action: facts.actionId, actionTs: facts.actionTs, teamId: facts.teamId });
  const ctx: { org?: string } = {};
  let claimed = false;
  let outcome: Outcome | null;
  let click: Click;
  try {
    const thread = await ownedThread(deps.store, facts);
    await mayAct(deps, facts, thread, raw);
    if (!(await claimClick(deps.store, facts, control))) {
      deps.metrics.actions.inc({ action: facts.actionId, result: 'duplicate' });
      log.info('repeated click ignored');
      return;
    }
    claimed = true;
    click = {
      actionId: facts.actionId,
      actionTs: facts.actionTs,
      teamId: facts.teamId as string,
      channelId: facts.channelId as string,
      messageTs: facts.messageTs as string,
      user: clickerOf(facts),
      thread,
    };
    outcome = await work(deps, click, raw, ctx);
  } catch (err) {
    if (claimed) await releaseControl(deps.store, facts, control).catch(() => undefined);
    await reportFailure({ ...deps, logger: log }, { ...facts, org: ctx.org }, err);
    return;
  }
  deps.metrics.actions.inc({ action: facts.actionId, result: 'ok' });
  if (!outcome) {
    // Nothing changed (a modal opened): the control may be used again at once.
    await releaseControl(deps.store, facts, control).catch(() => undefined);
    return;
  }
  try {
    await announce(deps, click, outcome.event, outcome.echoTypes);
    log.info({ type: outcome.event.type, threadKey: click.thread.threadKey }, 'button action done');
  } catch (err) {
    // The change is made at the source; its own webhook will still update the card.
    log.warn({ type: outcome.event.type, error: (err as Error).message }, 'button action done, but the thread could not be updated');
  }
}
