import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCipher } from '../../src/crypto.js';
import { createInstallationStore } from '../../src/slack/installations.js';
import { postSigned, slashCommandBody } from '../helpers/slack.js';
import { captureReply, lockNetwork, startHarness, tempStore, unlockNetwork, within, type Harness } from './harness.js';

const key = randomBytes(32).toString('base64');
let h: Harness;
let dir: string;
let installationStore: ReturnType<typeof createInstallationStore>;

beforeAll(async () => {
  lockNetwork();
  const t = tempStore();
  dir = t.dir;
  installationStore = createInstallationStore({ store: t.store, cipher: createCipher(key) });
  h = await startHarness({ store: t.store, oauth: { installationStore, stateSecret: 'test-state-secret-abcdefghijklmnop' } });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await h.close();
  await h.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  unlockNetwork();
});

/** Starts an install like a browser: /slack/install gives the state, in the URL and in a cookie. */
async function beginInstall(): Promise<{ state: string; cookie: string }> {
  const res = await fetch(`${h.url}/slack/install`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
  const state = location.searchParams.get('state')!;
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('slack-app-oauth-state='))!;
  expect(state).toBeTruthy();
  expect(cookie).toBeTruthy();
  return { state, cookie: cookie.split(';')[0] };
}

function slackGrants(teamId: string, token: string) {
  let exchanged: string | undefined;
  nock('https://slack.com')
    .post('/api/oauth.v2.access', (body) => {
      exchanged = String(new URLSearchParams(typeof body === 'string' ? body : (body as Record<string, string>)).get('code'));
      return true;
    })
    .reply(200, {
      ok: true,
      app_id: 'A1',
      authed_user: { id: 'U7' },
      scope: 'chat:write,commands',
      token_type: 'bot',
      access_token: token,
      bot_user_id: 'UBOT7',
      team: { id: teamId, name: 'Seven' },
      enterprise: null,
      is_enterprise_install: false,
    })
    .post('/api/auth.test')
    .reply(200, {
      ok: true,
      url: 'https://seven.slack.com/',
      team: 'Seven',
      user: 'threadline',
      team_id: teamId,
      user_id: 'UBOT7',
      bot_id: 'B7',
    });
  return () => exchanged;
}

describe('OAuth install', () => {
  it('stores the installation per team with the bot token encrypted, and uses it for that team', async () => {
    const { state, cookie } = await beginInstall();
    const exchangedCode = slackGrants('T7', 'xoxb-installed-T7-secret');

    const res = await fetch(`${h.url}/slack/oauth_redirect?code=the-code&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(exchangedCode()).toBe('the-code');

    const raw = await h.store.getSlackInstallation('T7');
    expect(raw).not.toBeNull();
    expect(raw).not.toContain('xoxb-installed-T7-secret');
    const inst = await installationStore.fetchInstallation({ teamId: 'T7', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(inst.bot).toMatchObject({ token: 'xoxb-installed-T7-secret', id: 'B7', userId: 'UBOT7' });
    expect(inst.team?.id).toBe('T7');

    // A command from that workspace is authorized with the installed (decrypted) token.
    let authorization: string | undefined;
    nock('https://slack.com', { reqheaders: { authorization: (v: string) => ((authorization = v), true) } })
      .post('/api/conversations.info')
      .reply(200, { ok: true, channel: { id: 'C1', is_private: false } });
    const reply = captureReply();
    const cmd = await postSigned(`${h.url}/slack/events`, slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'T7' }));
    expect(cmd.status).toBe(200);
    expect((await within(reply, 'the subscribe reply')).text).toContain('Subscribed');
    expect(authorization).toBe('Bearer xoxb-installed-T7-secret');
    expect(await h.store.listSubscriptions({ teamId: 'T7' })).toHaveLength(1);
  });

  it('refuses a callback whose state does not match the browser cookie', async () => {
    const { state } = await beginInstall();
    const other = await beginInstall();
    slackGrants('T8', 'xoxb-should-not-be-stored');
    const res = await fetch(`${h.url}/slack/oauth_redirect?code=c&state=${encodeURIComponent(state)}`, {
      headers: { cookie: other.cookie },
      redirect: 'manual',
    });
    expect(res.status).not.toBe(200);
    expect(await h.store.getSlackInstallation('T8')).toBeNull();
  });

  it('does not serve commands from a workspace that never installed', async () => {
    const res = await postSigned(
      `${h.url}/slack/events`,
      slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'TNOTINSTALLED' }),
    );
    expect(res.status).toBe(401);
    expect(await h.store.listSubscriptions({ teamId: 'TNOTINSTALLED' })).toEqual([]);
  });
});
