/**
 * The browser half of connecting a Sentry org to a Slack workspace:
 * `GET /sentry/connect?state=…` (the link `/threadline connect sentry` gave) sets a short-lived
 * signed cookie naming the team and sends the browser to Sentry's external-install page; after the
 * install Sentry sends it to `GET /sentry/setup?code=…&installationId=…&orgSlug=…` (the Redirect URL).
 * The redirect is trusted only when its code proves the install (see `prove`), and it binds only
 * the org Sentry's own webhook named for that installation.
 */

import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { cookieOf, sendPage, workspaceName } from '../../connections/page.js';
import { verify } from '../../connections/signed.js';
import type { ConnectionContext } from '../kit/connection.js';
import { bindInstallation, issueOneTimeCode, ONE_TIME_CODE_SECONDS } from './connect-bind.js';
import { CONNECT_COOKIE, COOKIE_PURPOSE, COOKIE_TTL_MS, STATE_PURPOSE, signCookie } from './connect-state.js';
import { sentryServices } from './connect-services.js';
import { codeHash, exchangeOnce } from './exchange-once.js';

const SLUG = /^[a-z0-9_-]{1,100}$/;
const UUID = /^[0-9a-fA-F-]{8,64}$/;
const CODE = /^[A-Za-z0-9_-]{1,256}$/;
const setupUsedKey = (uuid: string, hash: string) => `sentry:setup-used:${uuid}:${hash}`;

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const one = (v: unknown) => (typeof v === 'string' ? v : undefined);

export interface SentryConnectRouteOptions {
  /** How long `/sentry/setup` waits for Sentry's installation.created to name the org. */
  orgWaitMs?: number;
}

export function sentryConnectRoutes(router: Router, ctx: ConnectionContext, opts: SentryConnectRouteOptions = {}): void {
  const secret = ctx.config.slack.stateSecret;
  const secure = ctx.config.publicUrl.startsWith('https:');
  const clearCookie = (res: Response) =>
    res.append('set-cookie', `${CONNECT_COOKIE}=; Path=/sentry; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  const startAgain = 'Run /threadline connect sentry in Slack again to get a new link.';

  router.get('/sentry/connect', (req: Request, res: Response) => {
    if (!secret || ctx.config.slack.mode !== 'oauth') {
      sendPage(res, 404, 'Not available', ['Connecting a Sentry org is only needed when Threadline serves several workspaces.']);
      return;
    }
    const state = verify<{ t: string; u: string }>(secret, STATE_PURPOSE, one(req.query.state), ctx.now());
    if (!state.ok) {
      sendPage(res, 400, 'This link is not valid', [
        state.reason === 'expired' ? 'This link has expired (links last 10 minutes).' : 'This link is not one Threadline made.',
        startAgain,
      ]);
      return;
    }
    const slug = ctx.config.sentry.appSlug;
    if (!slug) {
      sendPage(res, 503, 'Sentry is not set up', ['The operator has not set SENTRY_APP_SLUG, so Threadline cannot send you to Sentry.']);
      return;
    }
    const cookie = signCookie(secret, state.payload.t, state.payload.u, ctx.now());
    res.append(
      'set-cookie',
      `${CONNECT_COOKIE}=${cookie}; Path=/sentry; Max-Age=${COOKIE_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
    );
    res
      .set('cache-control', 'no-store')
      .redirect(302, `${ctx.config.sentry.url}/sentry-apps/${encodeURIComponent(slug)}/external-install/`);
  });

  /**
   * Whether `code` proves the browser came from installing `uuid`: it exchanges, or it is the code
   * Sentry's signed installation.created carried. The exchange runs (or is waited for) either way,
   * so the installation has its tokens before it is marked installed.
   */
  async function prove(uuid: string, code: string): Promise<boolean> {
    const { outcome } = await exchangeOnce({ store: ctx.store, tokens: sentryServices(ctx).tokens }, uuid, code);
    if (outcome === 'exchanged') return true;
    const rec = await ctx.store.getSentryInstallation(uuid);
    return Boolean(rec?.grantCodeHash && sameHash(rec.grantCodeHash, codeHash(code)));
  }

  /** The org Sentry's signed webhook named for the installation (it may arrive just after the redirect). */
  async function orgOf(uuid: string): Promise<string | undefined> {
    const deadline = ctx.now() + (opts.orgWaitMs ?? 10_000);
    for (;;) {
      const org = (await ctx.store.getSentryInstallation(uuid))?.org;
      if (org || ctx.now() >= deadline) return org;
      await sleep(200);
    }
  }

  router.get('/sentry/setup', async (req: Request, res: Response) => {
    if (!secret || ctx.config.slack.mode !== 'oauth') {
      sendPage(res, 200, 'Sentry installed', ['Threadline serves one workspace: the org is connected to it already.']);
      return;
    }
    const code = one(req.query.code);
    const uuid = one(req.query.installationId);
    const orgSlug = one(req.query.orgSlug);
    if (!code || !uuid || !orgSlug || !CODE.test(code) || !UUID.test(uuid) || !SLUG.test(orgSlug)) {
      sendPage(res, 400, 'Not a Sentry install', [
        'This page needs the code, installationId and orgSlug Sentry adds when it sends you here.',
      ]);
      return;
    }
    const given = cookieOf(req.headers.cookie, CONNECT_COOKIE);
    const cookie = given === undefined ? undefined : verify<{ t: string; u: string }>(secret, COOKIE_PURPOSE, given, ctx.now());
    if (cookie && !cookie.ok) {
      clearCookie(res);
      sendPage(res, 400, 'Nothing was connected', [
        cookie.reason === 'expired'
          ? 'Your connect link expired before the install finished.'
          : 'This browser carries a connect cookie Threadline did not make.',
        startAgain,
      ]);
      return;
    }
    // One redirect per install binds: held while this one is checked, kept once it bound (or gave a code).
    const used = setupUsedKey(uuid, codeHash(code));
    if (!(await ctx.store.claim(used, 24 * 3600))) {
      sendPage(res, 400, 'Nothing was connected', ['This install link was used already.', startAgain]);
      return;
    }
    const refuse = async (status: number, log: string, lines: string[]) => {
      await ctx.store.release(used);
      ctx.logger.warn({ installationUuid: uuid, orgSlug }, `sentry setup redirect refused: ${log}`);
      sendPage(res, status, 'Nothing was connected', lines);
    };
    let proven: boolean;
    let org: string | undefined;
    try {
      proven = await prove(uuid, code);
      org = proven ? await orgOf(uuid) : undefined;
    } catch (err) {
      await ctx.store.release(used);
      throw err;
    }
    if (!proven) {
      await refuse(403, 'its code does not prove the installation', [
        "Sentry did not confirm this install, so it can't be connected.",
        startAgain,
      ]);
      return;
    }
    if (!org) {
      await refuse(503, 'the installation has no org yet', [
        "Sentry hasn't told Threadline about this install yet. Reload this page in a minute.",
      ]);
      return;
    }
    if (org !== orgSlug) {
      await refuse(400, "its org is not the installation's", [
        'This install belongs to another Sentry org than the link says.',
        startAgain,
      ]);
      return;
    }
    if (cookie?.ok) {
      clearCookie(res);
      await bindInstallation(ctx, { uuid, org, teamId: cookie.payload.t, userId: cookie.payload.u });
      const name = workspaceName(await ctx.store.getSlackInstallation(cookie.payload.t), cookie.payload.t);
      sendPage(res, 200, 'Connected', [
        `The Sentry org ${org} is now connected to the Slack workspace ${name}.`,
        'Subscribe a channel with /threadline subscribe sentry ' + org + '/*',
      ]);
      return;
    }
    const oneTime = await issueOneTimeCode(ctx, uuid, org);
    sendPage(res, 200, 'One more step', [
      `Sentry installed Threadline for the org ${org}. To connect it to your Slack workspace, run this in Slack within ${ONE_TIME_CODE_SECONDS / 60} minutes:`,
      { code: `/threadline connect sentry ${oneTime}` },
    ]);
  });
}
