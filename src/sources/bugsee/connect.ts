/**
 * Bugsee's connection hook. Bugsee signs nothing: a webhook proves itself by a token in its URL.
 * In multi-workspace mode each team gets its own token (`/threadline connect bugsee`), and a
 * delivery carrying it routes only to that team. The token is random (32 bytes); the store keeps
 * its SHA-256 to look it up and the token itself sealed, so a repeat shows the same URL.
 * `--rotate` issues a new one and keeps the old one valid for 24 hours.
 */

import { createHash, randomBytes } from 'node:crypto';
import { esc as escMd } from '../../../templates/blocks.js';
import { isLive, type Connection } from '../../connections/repo.js';
import type { ConnectionContext, SourceConnection } from '../kit/connection.js';

const esc = (s: string) => escMd(s).value;

export const ROTATION_GRACE_MS = 24 * 3600 * 1000;
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** The associated data a team's token is sealed with: it opens only for that team and hash. */
export const bugseeTokenContext = (teamId: string, hash: string) => `bugsee:connection:${teamId}:${hash}`;

async function liveRows(ctx: ConnectionContext, teamId: string): Promise<Connection[]> {
  return (await ctx.store.listConnections({ source: 'bugsee', teamId })).filter((c) => isLive(c, ctx.now()));
}

/** The team's current token row (not a rotated one in its grace period). */
const currentOf = (rows: Connection[]) => rows.find((c) => !c.expiresAt);

function webhookUrl(ctx: ConnectionContext, token: string): string {
  return `${ctx.config.publicUrl}/webhooks/bugsee?token=${token}`;
}

async function issue(ctx: ConnectionContext, teamId: string, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const hash = tokenHash(token);
  await ctx.store.putConnection({
    source: 'bugsee',
    teamId,
    key: hash,
    label: 'webhook',
    data: { token: ctx.cipher.encrypt(token, bugseeTokenContext(teamId, hash)) },
    createdBy: userId,
    createdAt: new Date(ctx.now()).toISOString(),
  });
  return token;
}

/** The team a delivery's token belongs to, or null for a token that is no team's (or expired). */
export async function teamOfToken(store: ConnectionContext['store'], token: string, now: number): Promise<string | null> {
  const rows = (await store.listConnections({ source: 'bugsee', key: tokenHash(token) })).filter((c) => isLive(c, now));
  return rows[0]?.teamId ?? null;
}

export const bugseeConnection: SourceConnection = {
  async connect(ctx, req) {
    const rotate = req.args.some((a) => a.toLowerCase() === '--rotate');
    const other = req.args.find((a) => a.toLowerCase() !== '--rotate');
    if (other) return `⚠️ \`connect bugsee\` takes only \`--rotate\`, but got "${esc(other)}".`;
    const rows = await liveRows(ctx, req.teamId);
    const current = currentOf(rows);
    let token: string | undefined;
    if (current && !rotate) {
      try {
        token = ctx.cipher.decrypt(current.data?.token ?? '', bugseeTokenContext(req.teamId, current.key));
      } catch {
        token = undefined; // sealed under another key: issue a fresh one below
      }
    }
    let note = '';
    if (!token) {
      if (current) {
        await ctx.store.putConnection({ ...current, expiresAt: new Date(ctx.now() + (rotate ? ROTATION_GRACE_MS : 0)).toISOString() });
        if (rotate) note = '\nThe previous URL keeps working for 24 hours: update Bugsee before then.';
      }
      token = await issue(ctx, req.teamId, req.userId);
      ctx.logger.info({ teamId: req.teamId, rotated: Boolean(current) }, 'bugsee webhook token issued');
    }
    return [
      "This workspace's Bugsee webhook URL (keep it secret: anyone with it can post to this workspace's Bugsee subscriptions):",
      `\`${webhookUrl(ctx, token)}\``,
      "In Bugsee, add it under your app's Settings → Integrations → Webhooks, then subscribe a channel with `/threadline subscribe bugsee *`." +
        note,
    ].join('\n');
  },

  async disconnect(ctx, req) {
    const n = await ctx.store.deleteConnections({ source: 'bugsee', teamId: req.teamId });
    if (!n) return 'There was nothing to disconnect: this workspace has no Bugsee webhook URL.';
    ctx.logger.info({ teamId: req.teamId }, 'bugsee disconnected from a workspace');
    return "🔌 Disconnected Bugsee: this workspace's webhook URL no longer works. Its Bugsee subscriptions are kept but paused until you connect again.";
  },

  async describe(ctx, teamId) {
    const rows = await liveRows(ctx, teamId);
    if (!rows.length) return [];
    const old = rows.filter((c) => c.expiresAt);
    const grace = old.length
      ? ` (the previous URL works until ${esc(
          old
            .map((c) => c.expiresAt as string)
            .sort()
            .at(-1) as string,
        )})`
      : '';
    return [`• *Bugsee* webhook URL — connected: \`/threadline connect bugsee\` shows it${grace}`];
  },

  async covers(ctx, teamId) {
    return (await liveRows(ctx, teamId)).length > 0;
  },

  howTo: () =>
    "⚠️ This workspace has no Bugsee webhook yet, so nothing was subscribed. Run `/threadline connect bugsee` for this workspace's webhook URL and add it in Bugsee first.",

  // A team's events arrive through its own token: `bugsee *` means every app that comes that way.
  async receives(_ctx, event, teamId) {
    return event.routing.teamId === teamId;
  },

  async refuseClick(ctx, click) {
    if (ctx.config.slack.mode !== 'oauth') return null;
    // The thread was made for this team from events its token delivered; the team must still hold one.
    if ((await liveRows(ctx, click.teamId)).length > 0) return null;
    return "This workspace's Bugsee connection is gone, so nothing was changed. Run `/threadline connect bugsee` to connect again.";
  },
};
