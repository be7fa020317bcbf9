/**
 * Who may see and change what, across workspaces. In multi-workspace (OAuth) mode a team may
 * subscribe to, receive and act on a source's events only through its connections (each source's
 * `connection` hook says what its connections cover); with one workspace (or none: dry-run)
 * everything belongs to that workspace. Nothing here names a source.
 */

import type { PipelineEvent } from '../events.js';
import { sourceNamed, type SourceDefinition } from '../sources/index.js';
import type { ClickCheck, ConnectionContext, ConnectRequest } from '../sources/kit/connection.js';
import type { Subscription } from '../store/store.js';
import { esc } from '../slack/describe.js';

export interface Tenancy {
  /** Whether connections decide anything (OAuth mode). */
  readonly multiWorkspace: boolean;
  /** Whether `teamId` may receive the event (routing asks this per subscribing team). */
  mayReceive(event: PipelineEvent, teamId: string): Promise<boolean>;
  /** Why the team may not subscribe to `target`, or null. */
  subscribeRefusal(teamId: string, source: string, target: string): Promise<string | null>;
  /** Whether a kept subscription is paused because its team is not connected to its target. */
  paused(sub: Pick<Subscription, 'teamId' | 'source' | 'target'>): Promise<boolean>;
  /** The team's connections as lines for `list` and App Home. */
  connectionLines(teamId: string): Promise<string[]>;
  /** `connect <source> …` / `disconnect <source> …` typed after `/threadline`, else null (not such a command). */
  command(text: string, who: { teamId: string; userId: string }): Promise<string | null>;
  /** Why a click on a message of `source` may not act (shown to the clicker), or null. */
  clickRefusal(source: string, click: ClickCheck): Promise<string | null>;
}

const SINGLE_ANSWER =
  'Connections are for multi-workspace installs. This Threadline serves one workspace, which already gets every account it is set up with.';

export function createTenancy(ctx: ConnectionContext, sources: readonly SourceDefinition[]): Tenancy {
  const multiWorkspace = ctx.config.slack.mode === 'oauth';
  const connected = sources.filter((s) => s.connection);
  const names = connected.map((s) => s.name).join(' or ');

  async function command(text: string, who: { teamId: string; userId: string }): Promise<string | null> {
    const words = text.trim().split(/\s+/u).filter(Boolean);
    const verb = words[0]?.toLowerCase();
    if (verb !== 'connect' && verb !== 'disconnect') return null;
    const source = words[1] ? sourceNamed(connected, words[1].toLowerCase()) : undefined;
    if (!source?.connection) {
      return words[1]
        ? `⚠️ "${esc(words[1])}" can't be connected: use \`/threadline ${verb} ${names}\`.`
        : `⚠️ \`${verb}\` needs a source: ${names}.`;
    }
    if (!multiWorkspace) return SINGLE_ANSWER;
    const req: ConnectRequest = { ...who, args: words.slice(2) };
    return verb === 'connect' ? source.connection.connect(ctx, req) : source.connection.disconnect(ctx, req);
  }

  return {
    multiWorkspace,

    async mayReceive(event, teamId) {
      if (!multiWorkspace) return true;
      const source = sourceNamed(sources, event.source);
      return source?.connection ? source.connection.receives(ctx, event, teamId) : true;
    },

    async subscribeRefusal(teamId, sourceName, target) {
      if (!multiWorkspace) return null;
      const conn = sourceNamed(sources, sourceName)?.connection;
      if (!conn || (await conn.covers(ctx, teamId, target))) return null;
      return conn.howTo(target);
    },

    async paused(sub) {
      if (!multiWorkspace) return false;
      const conn = sourceNamed(sources, sub.source)?.connection;
      return conn ? !(await conn.covers(ctx, sub.teamId, sub.target)) : false;
    },

    async connectionLines(teamId) {
      if (!multiWorkspace) return [];
      const lines: string[] = [];
      for (const s of connected) lines.push(...(await s.connection!.describe(ctx, teamId)));
      return lines;
    },

    command,

    async clickRefusal(sourceName, click) {
      const conn = sourceNamed(sources, sourceName)?.connection;
      return conn ? conn.refuseClick(ctx, click) : null;
    },
  };
}
