/** Wires every Slack handler onto one Bolt app: commands, lifecycle, App Home and button actions. */

import type { App } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { SourceDefinition } from '../sources/index.js';
import type { Store } from '../store/store.js';
import type { Backlog } from '../queue/queue.js';
import { registerActions, type ActionDeps } from './actions.js';
import { registerCommands } from './commands.js';
import { createChannelSettings } from './settings.js';
import { registerHome } from './home.js';
import { registerLifecycle } from './installations.js';
import type { Tenancy } from '../connections/tenancy.js';

/** The action fields are optional so a harness for the other handlers can leave them out. */
export interface SlackHandlerDeps extends Partial<Omit<ActionDeps, 'store' | 'logger' | 'tenancy'>> {
  store: Store;
  logger: Logger;
  /** Connections (multi-workspace); unset: every team gets and may change everything. */
  tenancy?: Tenancy;
  requeueDeadLetter: (id: string, teamId: string) => Promise<void>;
  now?: () => Date;
  idGen?: () => string;
  /** No Slack credentials: handlers avoid Web API calls they can do without. */
  dryRun?: boolean;
  /** The sources a channel can subscribe to (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  /** The delivery queue's backlog, for App Home. */
  backlog?: () => Promise<Backlog>;
}

export function registerSlackHandlers(bolt: App, deps: SlackHandlerDeps): void {
  registerCommands(bolt, { ...deps, settings: createChannelSettings(deps.store) });
  registerLifecycle(bolt, deps);
  registerHome(bolt, deps);
  registerActions(bolt, deps);
}
