/**
 * Checks on `/slack/*` that run before Bolt's receiver, for what Bolt lets through: a request
 * stamped in the future (Bolt only refuses old ones), and the OAuth redirect of a cancelled
 * install (Bolt answers it with a 500 page).
 */

import type { Request, Response, NextFunction } from 'express';
import type { Logger } from '../log.js';

/** Slack's own window: a signed request more than five minutes away from now is a replay. */
export const SLACK_TIMESTAMP_WINDOW_SEC = 5 * 60;

/**
 * Refuses a POST whose `x-slack-request-timestamp` is more than the window in the future. A
 * missing or non-numeric stamp is left to Bolt, which refuses it while checking the signature.
 */
export function slackFutureTimestampGuard(opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const raw = req.headers['x-slack-request-timestamp'];
    const ts = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
    if (ts !== undefined && ts - now() / 1000 > SLACK_TIMESTAMP_WINDOW_SEC) {
      res.status(401).type('text/plain').send('request timestamp is in the future');
      return;
    }
    next();
  };
}

const page = (title: string, text: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{padding:10px 15px;font-family:verdana;text-align:center}</style></head>
<body><h2>${title}</h2><p>${text}</p></body></html>
`;

/**
 * The OAuth redirect when Slack sends `?error=` instead of a code: the person cancelled (or Slack
 * refused) the install. That is their choice, not our failure, so it gets a 4xx page saying so.
 */
export function oauthCancelledPage(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const error = new URL(req.originalUrl, 'http://x').searchParams.get('error');
    if (error === null) return next();
    const cancelled = error === 'access_denied';
    // The error value is Slack's word; it is logged (bounded), never echoed into the page.
    logger.info({ error: error.slice(0, 100) }, cancelled ? 'slack install cancelled' : 'slack install failed');
    res
      .status(cancelled ? 403 : 400)
      .type('html')
      .send(
        cancelled
          ? page(
              'Installation cancelled',
              'The Threadline install was cancelled, so nothing was installed. You can close this page, or start the install again from Slack.',
            )
          : page(
              'Installation did not complete',
              'Slack did not finish the Threadline install, so nothing was installed. Start the install again from Slack.',
            ),
      );
  };
}
