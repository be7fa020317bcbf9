/**
 * Connecting a Sentry org to a workspace, end to end through the real routes on both stores:
 * command → link → cookie → Sentry's install page → installation.created → Redirect URL → connected;
 * the path without a cookie (one-time code); and every refusal: expired or forged state or cookie,
 * uuid/org/code mismatch, a reused code. One grant code is exchanged once, whoever gets there first.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { randomUUID } from 'node:crypto';
import { sign } from '../../src/connections/signed.js';
import { COOKIE_PURPOSE, STATE_PURPOSE } from '../../src/sources/sentry/connect-state.js';
import type { StoreKind, TestService } from '../helpers/service.js';
import { sendSentry } from '../helpers/deliver.js';
import { waitFor } from '../helpers/slack.js';
import {
  APP_SLUG,
  command,
  followConnectLink,
  installationCreated,
  linkIn,
  SENTRY,
  sentryAuthorizations,
  sentryMarkInstalled,
  setupPage,
  startMultiWorkspace,
  STATE_SECRET,
  TEAMS,
} from './helpers.js';

const A = TEAMS.A;
const B = TEAMS.B;
const newCode = () => randomUUID().replace(/-/g, '');

describe.each<StoreKind>(['redis', 'sqlite'])('connect sentry on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    svc = await startMultiWorkspace(kind);
  });
  afterAll(async () => {
    await svc.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  /** Codes, states, cookies and one-time codes seen in this suite: none may reach the log. */
  const secrets: string[] = [];

  const connectedTeams = async (org: string) =>
    (await svc.t.store.listConnections({ source: 'sentry', key: org })).map((c) => c.teamId).sort();

  it('connects end to end: command, link, cookie, redirect, webhook, setup, connected; one code exchange', async () => {
    const uuid = randomUUID();
    const code = newCode();
    const auth = sentryAuthorizations(uuid, code);
    const installed = sentryMarkInstalled(uuid);

    const reply = await command(svc, A, 'connect sentry');
    const link = linkIn(reply);
    expect(link.pathname).toBe('/sentry/connect');
    expect(link.origin).toBe(svc.t.config.publicUrl);
    expect(link.searchParams.get('state')).toBeTruthy();

    const visit = await followConnectLink(svc, link);
    secrets.push(code, link.searchParams.get('state') as string, visit.cookie.split('=')[1]);
    expect(visit.status).toBe(302);
    expect(visit.location).toBe(`${SENTRY}/sentry-apps/${APP_SLUG}/external-install/`);
    expect(visit.setCookie).toMatch(/HttpOnly/);
    expect(visit.setCookie).toMatch(/SameSite=Lax/);
    expect(visit.setCookie).not.toMatch(/Secure/); // PUBLIC_URL is http here

    expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'acme', code))).status).toBe(200);
    await waitFor(async () => (await svc.t.store.getSentryInstallation(uuid))?.token ?? undefined, 8000);

    const page = await setupPage(svc, { code, installationId: uuid, orgSlug: 'acme' }, visit.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('The Sentry org acme is now connected to the Slack workspace Acme Slack (TA).');
    expect(installed.done()).toBe(true);
    expect(await connectedTeams('acme')).toEqual(['TA']);
    expect(auth.calls).toEqual([code]);
    // The code is kept only as a hash.
    expect(JSON.stringify(await svc.t.store.getSentryInstallation(uuid))).not.toContain(code);

    expect(await command(svc, A, 'list')).toContain('*Sentry* org `acme`');
    expect(await command(svc, B, 'list')).not.toContain('org `acme`');

    // The same redirect again binds nothing more.
    const again = await setupPage(svc, { code, installationId: uuid, orgSlug: 'acme' }, visit.cookie);
    expect(again.status).toBe(400);
  });

  it('redirect before the webhook: whoever claims the code exchanges it, the other waits, Sentry sees one exchange', async () => {
    const uuid = randomUUID();
    const code = newCode();
    const auth = sentryAuthorizations(uuid, code);
    sentryMarkInstalled(uuid);
    const { cookie } = await followConnectLink(svc, linkIn(await command(svc, B, 'connect sentry')));

    const page = setupPage(svc, { code, installationId: uuid, orgSlug: 'racing' }, cookie);
    await waitFor(() => auth.calls.length > 0 || undefined, 8000);
    expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'racing', code))).status).toBe(200);
    const done = await page;
    expect(done.status).toBe(200);
    expect(done.html).toContain('The Sentry org racing is now connected');
    // The worker handled installation.created too, without a second exchange.
    await waitFor(async () => (await svc.t.store.getSentryInstallation(uuid))?.grantCodeHash ?? undefined, 8000);
    await new Promise((r) => setTimeout(r, 300));
    expect(auth.calls).toEqual([code]);
    expect(await connectedTeams('racing')).toEqual(['TB']);
  });

  it('without the cookie shows a one-time code that finishes from Slack once', async () => {
    const uuid = randomUUID();
    const code = newCode();
    sentryAuthorizations(uuid, code);
    const installed = sentryMarkInstalled(uuid);
    expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'initech', code))).status).toBe(200);
    await waitFor(async () => (await svc.t.store.getSentryInstallation(uuid))?.org ?? undefined, 8000);

    const page = await setupPage(svc, { code, installationId: uuid, orgSlug: 'initech' });
    expect(page.status).toBe(200);
    const oneTime = /\/threadline connect sentry ([A-Z0-9]{10})/.exec(page.html)?.[1];
    expect(oneTime).toBeTruthy();
    secrets.push(oneTime as string, code);
    expect(await connectedTeams('initech')).toEqual([]);

    const reply = await command(svc, B, `connect sentry ${oneTime}`);
    expect(reply).toContain('✅ Connected');
    expect(reply).toContain('initech');
    expect(await connectedTeams('initech')).toEqual(['TB']);
    expect(installed.done()).toBe(true);

    // Used once: nobody can use it again.
    expect(await command(svc, A, `connect sentry ${oneTime}`)).toContain('That code is not valid');
    expect(await connectedTeams('initech')).toEqual(['TB']);
    expect(await command(svc, A, 'connect sentry ZZZZZZZZZZ')).toContain('That code is not valid');
  });

  it('counts the connect routes under their own metric labels', async () => {
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/route="\/sentry\/connect"/);
    expect(metrics).toMatch(/route="\/sentry\/setup"/);
  });

  it('logs no code, state, cookie or one-time code', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const all = svc.logs.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
  });

  describe('refusals', () => {
    it('refuses an expired or forged state', async () => {
      const expired = sign(STATE_SECRET, STATE_PURPOSE, { t: A.id, u: A.user }, 10 * 60_000, Date.now() - 11 * 60_000);
      const r1 = await fetch(`${svc.url}/sentry/connect?state=${encodeURIComponent(expired)}`, { redirect: 'manual' });
      expect(r1.status).toBe(400);
      expect(r1.headers.get('set-cookie')).toBeNull();
      expect(await r1.text()).toContain('expired');

      const forged = sign('not-our-state-secret', STATE_PURPOSE, { t: A.id, u: A.user }, 600_000, Date.now());
      const r2 = await fetch(`${svc.url}/sentry/connect?state=${encodeURIComponent(forged)}`, { redirect: 'manual' });
      expect(r2.status).toBe(400);
      expect(r2.headers.get('set-cookie')).toBeNull();

      // A state made for another purpose (a cookie) is not a state.
      const cookieValue = sign(STATE_SECRET, COOKIE_PURPOSE, { t: A.id, u: A.user }, 600_000, Date.now());
      expect((await fetch(`${svc.url}/sentry/connect?state=${encodeURIComponent(cookieValue)}`, { redirect: 'manual' })).status).toBe(400);
    });

    it('refuses an expired or forged cookie and binds nothing', async () => {
      const uuid = randomUUID();
      const code = newCode();
      const auth = sentryAuthorizations(uuid, code);
      expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'umbrella', code))).status).toBe(200);
      await waitFor(async () => (await svc.t.store.getSentryInstallation(uuid))?.token ?? undefined, 8000);

      const expired = sign(STATE_SECRET, COOKIE_PURPOSE, { t: B.id, u: B.user }, 600_000, Date.now() - 11 * 60_000);
      const p1 = await setupPage(svc, { code, installationId: uuid, orgSlug: 'umbrella' }, `threadline_sentry_connect=${expired}`);
      expect(p1.status).toBe(400);
      expect(p1.html).toContain('expired');

      const forged = sign('not-our-state-secret', COOKIE_PURPOSE, { t: B.id, u: B.user }, 600_000, Date.now());
      const p2 = await setupPage(svc, { code, installationId: uuid, orgSlug: 'umbrella' }, `threadline_sentry_connect=${forged}`);
      expect(p2.status).toBe(400);
      // A state is not a cookie either.
      const state = sign(STATE_SECRET, STATE_PURPOSE, { t: B.id, u: B.user }, 600_000, Date.now());
      expect((await setupPage(svc, { code, installationId: uuid, orgSlug: 'umbrella' }, `threadline_sentry_connect=${state}`)).status).toBe(
        400,
      );

      expect(await connectedTeams('umbrella')).toEqual([]);
      expect(auth.calls).toEqual([code]); // only the webhook's exchange
    });

    it('refuses a spoofed installationId, another org, and a wrong code', async () => {
      const uuid = randomUUID();
      const code = newCode();
      sentryAuthorizations(uuid, code);
      expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'hooli', code))).status).toBe(200);
      await waitFor(async () => (await svc.t.store.getSentryInstallation(uuid))?.token ?? undefined, 8000);
      const cookieOf = async () => (await followConnectLink(svc, linkIn(await command(svc, B, 'connect sentry')))).cookie;

      // A real code with an installationId it was not issued for: Sentry refuses the exchange.
      const spoofed = randomUUID();
      const spoofAuth = sentryAuthorizations(spoofed, 'never-issued');
      const now = new Date().toISOString();
      await svc.t.store.putSentryInstallation({ uuid: spoofed, org: 'hooli', createdAt: now, updatedAt: now });
      const p1 = await setupPage(svc, { code, installationId: spoofed, orgSlug: 'hooli' }, await cookieOf());
      expect(p1.status).toBe(403);
      expect(spoofAuth.calls).toEqual([code]);

      // The right installation, but the link names another org.
      const p2 = await setupPage(svc, { code, installationId: uuid, orgSlug: 'piedpiper' }, await cookieOf());
      expect(p2.status).toBe(400);
      expect(p2.html).toContain('another Sentry org');

      // The right installation and org, but a code Sentry never gave for it.
      const p3 = await setupPage(svc, { code: newCode(), installationId: uuid, orgSlug: 'hooli' }, await cookieOf());
      expect(p3.status).toBe(403);

      expect(await connectedTeams('hooli')).toEqual([]);
      expect(await connectedTeams('piedpiper')).toEqual([]);
    });
  });

  it('installation.deleted removes the connection and pauses its subscriptions', async () => {
    const uuid = randomUUID();
    const code = newCode();
    sentryAuthorizations(uuid, code);
    sentryMarkInstalled(uuid);
    const { cookie } = await followConnectLink(svc, linkIn(await command(svc, A, 'connect sentry')));
    expect((await sendSentry(svc, 'installation', installationCreated(uuid, 'vandelay', code))).status).toBe(200);
    expect((await setupPage(svc, { code, installationId: uuid, orgSlug: 'vandelay' }, cookie)).status).toBe(200);
    expect(await command(svc, A, 'subscribe sentry vandelay/*')).toContain('Subscribed');

    const deleted = { ...installationCreated(uuid, 'vandelay', code), action: 'deleted' };
    expect((await sendSentry(svc, 'installation', deleted)).status).toBe(200);
    await waitFor(async () => (await connectedTeams('vandelay')).length === 0 || undefined, 8000);
    const list = await command(svc, A, 'list');
    expect(list).toContain('`vandelay/*`');
    expect(list).toContain('⏸ not connected');
  });
});

describe('connect sentry behind https', () => {
  it('marks the cookie Secure when PUBLIC_URL is https, and links to PUBLIC_URL', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const svc = await startMultiWorkspace('sqlite', { PUBLIC_URL: 'https://threadline.example.com' });
    try {
      const link = linkIn(await command(svc, A, 'connect sentry'));
      expect(link.origin).toBe('https://threadline.example.com');
      const visit = await followConnectLink(svc, link);
      expect(visit.status).toBe(302);
      expect(visit.setCookie).toMatch(/; Secure/);
      expect(visit.setCookie).toMatch(/HttpOnly/);
      expect(visit.setCookie).toMatch(/SameSite=Lax/);
      expect(visit.setCookie).toMatch(/Max-Age=600/);
    } finally {
      await svc.stop();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
