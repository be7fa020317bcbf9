/**
 * A source's connection hook: how a Slack team connects the source's account (a Sentry org, a
 * Bugsee webhook token), and what a connection allows. The generic `/threadline connect <source>`
 * and `disconnect <source>` commands, routing, `subscribe` and the button guard ask these; only
 * multi-workspace (OAuth) mode needs them (`src/connections/tenancy.ts` decides when they apply).
 */

import type { Config } from '../../config.js';
import type { Cipher } from '../../crypto.js';
import type { SlackClients } from '../../delivery/slack-client.js';
import type { PipelineEvent } from '../../events.js';
import type { Logger } from '../../log.js';
import type { Store, ThreadRecord } from '../../store/store.js';

/** What a connection hook may use. */
export interface ConnectionContext {
  store: Store;
  config: Config;
  logger: Logger;
  cipher: Cipher;
  /** For asking Slack about the clicking user (membership checks); absent in tests of other parts. */
  slack?: SlackClients;
  /** The one workspace's team (single-workspace or dry-run mode); absent with several. */
  oneTeam?: () => Promise<string | undefined>;
  now: () => number;
}

/** Who typed `/threadline connect|disconnect <source> …`, and the words after the source. */
export interface ConnectRequest {
  teamId: string;
  userId: string;
  args: readonly string[];
}

/** A button click on a message of this source, already checked to belong to `teamId`. */
export interface ClickCheck {
  teamId: string;
  userId: string;
  thread: ThreadRecord;
  /** The control's own value, a chosen option's value, and its siblings' values (assignee select). */
  values: readonly string[];
}

export interface SourceConnection {
  /** `/threadline connect <source> [args]`: the ephemeral answer (escaped mrkdwn). */
  connect(ctx: ConnectionContext, req: ConnectRequest): Promise<string>;
  /** `/threadline disconnect <source> [args]`: removes the connection; its subscriptions pause. */
  disconnect(ctx: ConnectionContext, req: ConnectRequest): Promise<string>;
  /** The team's connections of this source as lines for `list` and App Home (escaped mrkdwn). */
  describe(ctx: ConnectionContext, teamId: string): Promise<string[]>;
  /** Whether the team's connections cover a subscription target (else subscribe is refused, and a kept one is paused). */
  covers(ctx: ConnectionContext, teamId: string, target: string): Promise<boolean>;
  /** How to connect what `target` needs (escaped mrkdwn), for a refused subscribe. */
  howTo(target: string): string;
  /** Whether the team may receive the event. */
  receives(ctx: ConnectionContext, event: PipelineEvent, teamId: string): Promise<boolean>;
  /**
   * Why the click may not act (escaped mrkdwn, shown to the clicker), or null when it may. Asked in
   * every mode: a source decides what its checks need (a membership check may be on with one workspace).
   */
  refuseClick(ctx: ConnectionContext, click: ClickCheck): Promise<string | null>;
}
