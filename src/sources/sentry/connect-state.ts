/** The signed values of the Sentry connect flow: the link's state and the browser's cookie. */

import { sign } from '../../connections/signed.js';

export const STATE_PURPOSE = 'sentry-connect-state';
export const COOKIE_PURPOSE = 'sentry-connect-cookie';
export const CONNECT_COOKIE = 'threadline_sentry_connect';
/** The link is valid for 10 minutes. */
export const STATE_TTL_MS = 10 * 60_000;
/** Long enough to finish Sentry's install page, short enough not to linger. */
export const COOKIE_TTL_MS = 10 * 60_000;

export const signState = (secret: string, teamId: string, userId: string, now: number) =>
  sign(secret, STATE_PURPOSE, { t: teamId, u: userId }, STATE_TTL_MS, now);
export const signCookie = (secret: string, teamId: string, userId: string, now: number) =>
  sign(secret, COOKIE_PURPOSE, { t: teamId, u: userId }, COOKIE_TTL_MS, now);
