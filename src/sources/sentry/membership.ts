/**
 * `SENTRY_ACTIONS_REQUIRE_MEMBER`: a Sentry button acts only for a Slack user whose email is a
 * member of the org. Slack's users.info gives the email (scope users:read.email); Sentry's member
 * list says whether that email belongs to the org. Billing-only members and unaccepted invites do
 * not count. The answer is kept for 10 minutes per (org, team, user).
 */

import { esc as escMd } from '../../../templates/blocks.js';

const esc = (s: string) => escMd(s).value;
import type { ConnectionContext } from '../kit/connection.js';
import { SentryApiError } from './api.js';
import { sentryServices } from './connect-services.js';

export const MEMBERSHIP_CACHE_SECONDS = 600;

const cacheKey = (org: string, teamId: string, userId: string) => `sentry:member:${org}:${teamId}:${userId}`;

/** Null when the user is a member; else why not, for the clicker. */
export async function membershipRefusal(ctx: ConnectionContext, org: string, teamId: string, userId: string): Promise<string | null> {
  const key = cacheKey(org, teamId, userId);
  const cached = await ctx.store.getRecord<'member' | 'not_member'>(key);
  if (cached === 'member') return null;
  const notMember = `Your Slack email isn't a member of ${esc(org)} in Sentry, so nothing was changed.`;
  if (cached === 'not_member') return notMember;
  if (!ctx.slack) return "Threadline can't check your Sentry membership here, so nothing was changed.";
  const slack = await ctx.slack.forTeam(teamId);
  const info = await slack.call<{ user?: { profile?: { email?: string } } }>('users.info', { user: userId });
  const email = info.user?.profile?.email;
  if (!email) {
    return `Slack shows no email for you (Threadline needs the users:read.email scope), so your membership of ${esc(org)} in Sentry can't be checked and nothing was changed.`;
  }
  let member;
  try {
    member = await sentryServices(ctx).api.findMemberByEmail(org, email);
  } catch (err) {
    if (err instanceof SentryApiError && (err.code === 'unauthorized' || err.code === 'forbidden')) {
      return `Sentry refused to list the members of ${esc(org)} (HTTP ${err.status}): Threadline's Sentry integration lacks Organization: Read (or Member: Read), so nothing was changed.`;
    }
    throw err;
  }
  const m = member as (Record<string, unknown> & { pending?: unknown; orgRole?: unknown; role?: unknown }) | null;
  const role = typeof m?.orgRole === 'string' ? m.orgRole : typeof m?.role === 'string' ? m.role : undefined;
  const counts = m !== null && m.pending !== true && role !== 'billing';
  await ctx.store.setRecord(key, counts ? 'member' : 'not_member', MEMBERSHIP_CACHE_SECONDS);
  return counts ? null : notMember;
}
