/**
 * The two requests Sentry's alert-rule editor makes for Threadline's alert-rule action
 * (`sentry-app-schema.json`): `GET /sentry/options/channels` fills the `channel` select, and
 * `POST /sentry/alert-rule-action` checks the settings when the rule is saved. Both carry
 * `Sentry-App-Signature`, the client secret's HMAC-SHA256 of the body (of "" for a GET).
 *
 * A GET's signature is the same for every GET, so it vouches for no query parameter: the
 * `installationId` is only a claim, and the answer lists only the channels of teams connected to
 * that installation (whoever replays a signed GET learns no other team's channels).
 */

import express, { type Request, type Response, type Router } from 'express';
import type { ConnectionContext } from '../kit/connection.js';
import { channelOptions, channelRefusal } from './alert-channels.js';
import { parseAlertChannel, parseMention, parseThread, settingsRecord, type SettingList } from './alert-settings.js';
import { checkSentrySignature } from './verify.js';

export const OPTIONS_PATH = '/sentry/options/channels';
export const VALIDATE_PATH = '/sentry/alert-rule-action';
const MAX_BODY = 64 * 1024;
const EMPTY = Buffer.alloc(0);

const one = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function sentryAlertRoutes(router: Router, ctx: ConnectionContext): void {
  const secrets = () => ctx.config.sentry.clientSecrets;

  function signed(req: Request, res: Response, body: Buffer): boolean {
    const header = one(req.headers['sentry-app-signature']);
    if (secrets().length && checkSentrySignature(body, header, secrets()).ok) return true;
    ctx.logger.warn(
      { path: req.path, signed: header !== undefined },
      'sentry alert-rule request refused: bad or missing Sentry-App-Signature',
    );
    res.status(401).json({ message: 'This request is not signed by the Sentry app Threadline serves.' });
    return false;
  }

  router.get(OPTIONS_PATH, async (req: Request, res: Response) => {
    if (!signed(req, res, EMPTY)) return;
    const options = await channelOptions(ctx, one(req.query.installationId), one(req.query.query) ?? '');
    res.set('cache-control', 'no-store').json(options);
  });

  router.post(VALIDATE_PATH, express.raw({ type: () => true, limit: MAX_BODY }), async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : EMPTY;
    if (!signed(req, res, body)) return;
    let parsed: { fields?: SettingList; installationId?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      res.status(400).json({ message: 'Threadline could not read these settings.' });
      return;
    }
    const fields = settingsRecord(Array.isArray(parsed?.fields) ? parsed.fields : []);
    const refusal = await refusalOf(fields, one(parsed?.installationId));
    if (refusal) {
      res.status(400).json({ message: refusal });
      return;
    }
    res.status(200).json({ message: 'Threadline will post these alerts there.' });
  });

  async function refusalOf(fields: Record<string, string>, installationId: string | undefined): Promise<string | null> {
    if (!fields.channel) return 'Choose a Slack channel for Threadline to post to.';
    const chosen = parseAlertChannel(fields.channel);
    if (!chosen) return 'Choose the Slack channel from the list.';
    if (!parseMention(fields.mention)) return 'Mention must be none, @here, or a Slack user group.';
    if (!parseThread(fields.thread)) return 'Thread must be on or off.';
    return channelRefusal(ctx, installationId, chosen);
  }
}
