/**
 * Sentry's connection hook: a Slack team connects an org by installing Threadline's public
 * integration from a link `/threadline connect sentry` gives (see `connect-routes.ts`), or with the
 * one-time code the setup page shows. A team may subscribe to, receive and act on an org's events
 * only once connected to it.
 */

import { decodeActionValue, isSentryIssueValue } from '../../../templates/values.js';
import { esc as escMd } from '../../../templates/blocks.js';

const esc = (s: string) => escMd(s).value;
import type { ConnectionContext, SourceConnection } from '../kit/connection.js';
import { bindInstallation, redeemOneTimeCode } from './connect-bind.js';
import { signState } from './connect-state.js';
import { membershipRefusal } from './membership.js';

const connectedTo = async (ctx: ConnectionContext, teamId: string, org: string) =>
  (await ctx.store.listConnections({ source: 'sentry', teamId, key: org })).length > 0;

const HOW = 'Connect it with `/threadline connect sentry`: it gives you a link that installs Threadline in your Sentry org.';

/** The org a click addresses: the thread's, else the one its control carries. */
function orgOfClick(state: Record<string, unknown>, values: readonly string[]): string | undefined {
  if (typeof state.org === 'string' && state.org) return state.org;
  return values.map(decodeActionValue).find(isSentryIssueValue)?.org;
}

export const sentryConnection: SourceConnection = {
  async connect(ctx, req) {
    const [code, ...extra] = req.args;
    if (extra.length) return `⚠️ \`connect sentry\` takes at most a one-time code, but got "${esc(extra[0])}".`;
    if (code) {
      const found = await redeemOneTimeCode(ctx, code);
      if (!found)
        return '⚠️ That code is not valid: it may have expired (codes last 10 minutes) or been used already. Run `/threadline connect sentry` for a new link.';
      await bindInstallation(ctx, { uuid: found.uuid, org: found.org, teamId: req.teamId, userId: req.userId });
      return `✅ Connected: this workspace now gets the Sentry org \`${esc(found.org)}\`. Subscribe a channel with \`/threadline subscribe sentry ${esc(found.org)}/*\`.`;
    }
    const secret = ctx.config.slack.stateSecret;
    if (!secret || !ctx.config.sentry.appSlug) {
      return '⚠️ Threadline is not set up to connect Sentry orgs yet: the operator must set SENTRY_APP_SLUG (see the README, "Multi-workspace setup").';
    }
    const state = signState(secret, req.teamId, req.userId, ctx.now());
    const link = `${ctx.config.publicUrl}/sentry/connect?state=${encodeURIComponent(state)}`;
    return `Open <${link}|this link> within 10 minutes to install Threadline in your Sentry org and connect it to this workspace. The link is for you only: don't share it.`;
  },

  async disconnect(ctx, req) {
    const org = req.args[0]?.toLowerCase();
    if (!org) {
      const mine = await ctx.store.listConnections({ source: 'sentry', teamId: req.teamId });
      return `⚠️ \`disconnect sentry\` needs the org${mine.length ? `: ${mine.map((c) => `\`${esc(c.key)}\``).join(', ')}` : ''}.`;
    }
    const n = await ctx.store.deleteConnections({ source: 'sentry', teamId: req.teamId, key: org });
    if (!n) return `There was nothing to disconnect: this workspace is not connected to the Sentry org \`${esc(org)}\`.`;
    ctx.logger.info({ teamId: req.teamId, org }, 'sentry org disconnected from a workspace');
    return `🔌 Disconnected the Sentry org \`${esc(org)}\`. Its subscriptions here are kept but paused until you connect it again.`;
  },

  async describe(ctx, teamId) {
    const rows = await ctx.store.listConnections({ source: 'sentry', teamId });
    return rows.map(
      (c) =>
        `• *Sentry* org \`${esc(c.key)}\` — connected${c.createdBy && /^[UW][A-Z0-9]+$/.test(c.createdBy) ? ` by <@${c.createdBy}>` : ''}`,
    );
  },

  async covers(ctx, teamId, target) {
    const org = target.split('/')[0] ?? '';
    return org !== '' && connectedTo(ctx, teamId, org);
  },

  howTo: (target) =>
    `⚠️ This workspace isn't connected to the Sentry org \`${esc(target.split('/')[0] ?? '')}\`, so nothing was subscribed. ${HOW}`,

  async receives(ctx, event, teamId) {
    const org = event.routing.org;
    return typeof org === 'string' && org !== '' && connectedTo(ctx, teamId, org);
  },

  async refuseClick(ctx, click) {
    const org = orgOfClick(click.thread.state, click.values);
    const oauth = ctx.config.slack.mode === 'oauth';
    if (!org) return oauth ? "Threadline doesn't know this issue's Sentry org, so nothing was changed." : null;
    if (oauth && !(await connectedTo(ctx, click.teamId, org))) {
      return `This workspace isn't connected to the Sentry org ${esc(org)}, so nothing was changed. ${HOW}`;
    }
    if (!ctx.config.sentry.actionsRequireMember) return null;
    return membershipRefusal(ctx, org, click.teamId, click.userId);
  },
};
