/**
 * The team of the one workspace Threadline serves (single-workspace mode: the bot token's team,
 * asked of Slack once; dry-run: the pretend team). With several workspaces there is none.
 */

import type { Config } from '../config.js';
import type { SlackClients } from '../delivery/slack-client.js';
import type { OneTeam } from '../delivery/route-chosen.js';

export function createOneTeam(config: Config, slack: SlackClients, dryRunTeam: string): OneTeam | undefined {
  if (config.slack.mode === 'oauth') return undefined;
  if (config.slack.dryRun) return async () => dryRunTeam;
  let known: Promise<string | undefined> | undefined;
  return () => {
    // A failed ask is not kept: the next event asks again.
    known ??= (async () => {
      const api = await slack.forTeam('');
      const r = await api.call<{ team_id?: string }>('auth.test', {});
      return typeof r.team_id === 'string' && r.team_id ? r.team_id : undefined;
    })().then(
      (t) => {
        if (!t) known = undefined;
        return t;
      },
      (err: unknown) => {
        known = undefined;
        throw err;
      },
    );
    return known;
  };
}
