/**
 * Issue 16: at LOG_LEVEL=debug, one whole life of the service (a Slack OAuth install, a Sentry
 * install with its code exchange and a token refresh, webhooks from both sources, a button
 * click) leaves no secret, token, OAuth code or state anywhere in the log. Slack is the fake on
 * 127.0.0.1; Sentry is nock.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { randomBytes } from 'node:crypto';
import { startService, type TestService } from './helpers/service.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { readFixture, subscribe } from './helpers/deliver.js';
import { sentryHeaders } from './helpers/signing.js';
import { blockActionsBody, postSigned, slashCommandBody, waitFor } from './helpers/slack.js';

const SENTRY = 'https://sentry.test';
const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const AUTH_PATH = `/api/0/sentry-app-installations/${UUID}/authorizations/`;
const rnd = () => randomBytes(12).toString('hex');

const secrets = {
  slackClientSecret: `slack-client-secret-${rnd()}`,
  slackStateSecret: `slack-state-secret-${rnd()}`,
  signingSecret: `slack-signing-${rnd()}`,
  sentryOld: `sentry-old-${rnd()}`,
  sentryNew: `sentry-new-${rnd()}`,
  bugsee: `bugsee-secret-${rnd()}`,
  encryptionKey: randomBytes(32).toString('base64'),
  botToken: `xoxb-1-2-${rnd()}`,
  slackCode: `${rnd()}.${rnd()}`,
  sentryCode: rnd(),
  installToken: `sntrys_${rnd()}`,
  installRefresh: rnd(),
  refreshedToken: rnd(),
  refreshedRefresh: rnd(),
};
/** Filled in once the install hands them out. */
const oauthValues: Record<string, string> = {};

let svc: TestService;
let slack: FakeSlack;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  slack = await startFakeSlack();
  slack.oauthBotToken = secrets.botToken;
  svc = await startService(
    'sqlite',
    {
      LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: secrets.slackClientSecret,
      SLACK_STATE_SECRET: secrets.slackStateSecret,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
      SENTRY_CLIENT_SECRET: `${secrets.sentryOld},${secrets.sentryNew}`,
      SENTRY_CLIENT_ID: 'sentry-client-id',
      SENTRY_URL: SENTRY,
      BUGSEE_WEBHOOK_SECRET: secrets.bugsee,
      THREADLINE_ENCRYPTION_KEY: secrets.encryptionKey,
      // The membership check has its own tests (test/connections/); this run clicks as before.
      SENTRY_ACTIONS_REQUIRE_MEMBER: 'false',
    },
    { fakeSlack: slack },
  );
});

afterAll(async () => {
  await svc?.stop();
  await slack?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

function sentryPost(resource: string, payload: unknown, secret: string) {
  const body = JSON.stringify(payload);
  return fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers: sentryHeaders(body, resource, secret) });
}

function issuePayload(gid: string, action: string) {
  return {
    action,
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    data: {
      issue: {
        id: gid,
        shortId: 'MOBILE-1A',
        title: 'TypeError: x is undefined',
        culprit: 'app/checkout.js in submit',
        level: 'error',
        status: 'unresolved',
        substatus: 'new',
        project: { id: '42', name: 'mobile-app', slug: 'mobile-app' },
        permalink: `https://sentry.io/organizations/acme/issues/${gid}/`,
        firstSeen: new Date().toISOString(),
        lastSeen: new Date().toISOString(),
        count: '3',
        userCount: 2,
      },
    },
  };
}

describe('the log at LOG_LEVEL=debug', () => {
  it('holds no secret, token, OAuth code or state after an install, webhooks and a click', async () => {
    // 1. Slack OAuth install, as a browser does it.
    const begin = await fetch(`${svc.url}/slack/install`, { redirect: 'manual' });
    expect(begin.status).toBe(302);
    const state = new URL(begin.headers.get('location') as string).searchParams.get('state') as string;
    const cookie = (begin.headers.getSetCookie().find((c) => c.startsWith('slack-app-oauth-state=')) as string).split(';')[0];
    oauthValues.state = state;
    oauthValues.cookie = cookie.split('=')[1];
    const done = await fetch(`${svc.url}/slack/oauth_redirect?code=${secrets.slackCode}&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(done.status).toBe(200);
    const access = slack.of('oauth.v2.access')[0];
    // The secrets really were in flight (so the log had a chance to see them).
    expect(access?.args).toMatchObject({ client_secret: secrets.slackClientSecret, code: secrets.slackCode });
    expect(await svc.t.store.getSlackInstallation('T1')).not.toContain(secrets.botToken);

    // 2. Sentry install: installation.created (signed with the OLD secret, which still verifies),
    // then the code exchange, which must send the NEWEST secret.
    const exchange = nock(SENTRY)
      .post(AUTH_PATH, {
        grant_type: 'authorization_code',
        code: secrets.sentryCode,
        client_id: 'sentry-client-id',
        client_secret: secrets.sentryNew,
      })
      .reply(201, {
        token: secrets.installToken,
        refreshToken: secrets.installRefresh,
        expiresAt: new Date(Date.now() + 30_000).toISOString(),
      });
    const install = readFixture('sentry/installation/created.json') as { data: { installation: { code: string } } };
    install.data.installation.code = secrets.sentryCode;
    expect((await sentryPost('installation', install, secrets.sentryOld)).status).toBe(200);
    await waitFor(() => exchange.isDone(), 10_000);
    await waitFor(async () => Boolean((await svc.t.store.getSentryInstallation(UUID))?.token), 10_000);

    // 3. Webhooks: a Sentry issue into a subscribed channel, Bugsee with the token in the query, in
    // a header and in a bracketed query parameter.
    const ch = 'C-LOGS';
    // Many workspaces: the team gets acme's events once connected to it (test/connections/ drives that flow).
    await svc.t.store.putConnection({
      source: 'sentry',
      teamId: 'T1',
      key: 'acme',
      label: 'acme',
      data: { installationUuid: UUID },
      createdAt: new Date().toISOString(),
    });
    await subscribe(svc, { channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
    const gid = String(Date.now());
    expect((await sentryPost('issue', issuePayload(gid, 'created'), secrets.sentryNew)).status).toBe(200);
    const parent = await waitFor(() => slack.of('chat.postMessage', ch).find((c) => !c.args.thread_ts), 10_000);
    expect(parent.token).toBe(secrets.botToken);
    const bugsee = JSON.stringify(readFixture('bugsee/issue.created.json'));
    await fetch(`${svc.url}/webhooks/bugsee?token=${secrets.bugsee}`, {
      method: 'POST',
      body: bugsee,
      headers: { 'content-type': 'application/json' },
    });
    await fetch(`${svc.url}/webhooks/bugsee`, {
      method: 'POST',
      body: bugsee,
      headers: { 'content-type': 'application/json', 'x-bugsee-token': secrets.bugsee },
    });
    await fetch(`${svc.url}/webhooks/bugsee?token[a]=${secrets.bugsee}`, {
      method: 'POST',
      body: bugsee,
      headers: { 'content-type': 'application/json' },
    });

    // 4. A Resolve click: the installation token is about to expire, so it is refreshed first
    // (with the newest secret), then the PUT carries the refreshed token.
    const ts = await waitFor(async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.ts ?? undefined, 10_000);
    const refresh = nock(SENTRY)
      .post(AUTH_PATH, {
        grant_type: 'refresh_token',
        refresh_token: secrets.installRefresh,
        client_id: 'sentry-client-id',
        client_secret: secrets.sentryNew,
      })
      .reply(201, {
        token: secrets.refreshedToken,
        refreshToken: secrets.refreshedRefresh,
        expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString(),
      });
    const put = nock(SENTRY, { reqheaders: { authorization: `Bearer ${secrets.refreshedToken}` } })
      .put(`/api/0/organizations/acme/issues/${gid}/`, { status: 'resolved' })
      .reply(200, { status: 'resolved' });
    const blocks = (parent.args.blocks as { type: string; elements?: { action_id?: string; value?: string; type: string }[] }[]).map(
      (b, i) => ({ block_id: `b${i}`, ...b }),
    );
    const block = blocks.find((b) => b.elements?.some((e) => e.action_id === 'sentry.issue.resolve'));
    const button = block?.elements?.find((e) => e.action_id === 'sentry.issue.resolve');
    expect(button).toBeDefined();
    const click = blockActionsBody({
      actions: [{ type: 'button', action_id: 'sentry.issue.resolve', block_id: block?.block_id, value: button?.value }],
      userId: 'U123',
      channelId: ch,
      container: { type: 'message', message_ts: ts, channel_id: ch, is_ephemeral: false },
      message: { type: 'message', ts, text: 'card', blocks },
    });
    expect((await postSigned(`${svc.url}/slack/events`, click, { secret: secrets.signingSecret })).status).toBe(200);
    await waitFor(() => refresh.isDone() && put.isDone(), 10_000);
    await waitFor(() => slack.of('chat.update', ch).length >= 1, 10_000);

    // A slash command, and a cancelled second install with its state in the URL.
    await postSigned(`${svc.url}/slack/events`, slashCommandBody({ text: 'list', channel_id: ch }), { secret: secrets.signingSecret });
    await fetch(`${svc.url}/slack/oauth_redirect?error=access_denied&state=${encodeURIComponent(state)}`);
    await new Promise((r) => setTimeout(r, 300));

    const all = svc.logs.join('\n');
    // The run really logged at debug, Bolt and the Slack SDK included.
    expect(svc.logLines().some((l) => l.level === 'debug' && l.component === 'bolt')).toBe(true);
    expect(all).toContain('oauth.v2.access');
    for (const [name, value] of Object.entries({ ...secrets, ...oauthValues })) expect(all, name).not.toContain(value);
  });
});
