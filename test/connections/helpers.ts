/**
 * Two Slack workspaces on one multi-workspace (OAuth) Threadline, driven through the real routes:
 * slash commands and clicks signed like Slack's, webhooks signed like Sentry's, the connect pages
 * fetched like a browser. Slack's Web API is the fake on 127.0.0.1; Sentry and `response_url` are nock.
 */

import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { startService, SIGNING_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { sendSentry } from '../helpers/deliver.js';
import { postSigned, slashCommandBody } from '../helpers/slack.js';

export const SENTRY = 'https://sentry.test';
export const APP_SLUG = 'threadline-test';
export const STATE_SECRET = 'slack-state-secret-for-tests';

export const TEAMS = {
  A: { id: 'TA', name: 'Acme Slack', user: 'UA1', channel: 'CA1' },
  B: { id: 'TB', name: 'Globex Slack', user: 'UB1', channel: 'CB1' },
} as const;

export async function startMultiWorkspace(
  kind: StoreKind,
  env: Record<string, string> = {},
  opts: Parameters<typeof startService>[2] = {},
): Promise<TestService> {
  const svc = await startService(
    kind,
    {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: 'slack-client-id',
      SLACK_CLIENT_SECRET: 'slack-client-secret',
      SLACK_STATE_SECRET: STATE_SECRET,
      SENTRY_URL: SENTRY,
      SENTRY_CLIENT_ID: 'sentry-client-id',
      SENTRY_APP_SLUG: APP_SLUG,
      BUGSEE_API_URL: 'https://bugsee.test',
      BUGSEE_API_TOKEN: 'bugsee-api-token-for-tests',
      THREADLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...env,
    },
    opts,
  );
  for (const team of Object.values(TEAMS)) {
    const installation = {
      team: { id: team.id, name: team.name },
      enterprise: undefined,
      isEnterpriseInstall: false,
      tokenType: 'bot',
      appId: 'A1',
      bot: { token: `xoxb-${team.id}`, id: `B${team.id}`, userId: `UBOT${team.id}`, scopes: ['chat:write'] },
    };
    await svc.t.store.putSlackInstallation(team.id, JSON.stringify({ v: 1, encrypted: false, installation }));
  }
  return svc;
}

let replySeq = 0;

/** `/threadline <text>` from a team's user in a channel: the ephemeral reply's text. */
export async function command(
  svc: TestService,
  team: { id: string; user: string; channel: string },
  text: string,
  channel: string = team.channel,
): Promise<string> {
  const path = `/commands/${team.id}/${++replySeq}/reply`;
  const reply = new Promise<string>((resolve) => {
    nock('https://hooks.slack.com')
      .post(path, (body: { text: string }) => {
        resolve(body.text);
        return true;
      })
      .reply(200, 'ok');
  });
  const res = await postSigned(
    `${svc.url}/slack/events`,
    slashCommandBody({ text, team_id: team.id, user_id: team.user, channel_id: channel, response_url: `https://hooks.slack.com${path}` }),
    { secret: SIGNING_SECRET },
  );
  if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
  return Promise.race([reply, new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`no reply to "${text}"`)), 8000))]);
}

/** Slack's link markup `<url|label>` → url. */
export function linkIn(text: string): URL {
  const m = /<(http[^|>]+)\|/.exec(text) ?? /`(http[^`]+)`/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return new URL(m[1].replace(/&amp;/g, '&'));
}

/** The same path and query on the service under test (the links name PUBLIC_URL). */
export const onService = (svc: TestService, u: URL) => `${svc.url}${u.pathname}${u.search}`;

export function installationCreated(uuid: string, org: string, code: string) {
  return {
    action: 'created',
    installation: { uuid },
    data: {
      installation: {
        app: { uuid: 'app-uuid', slug: APP_SLUG },
        organization: { slug: org, name: org.toUpperCase() },
        uuid,
        status: 'pending',
        code,
      },
    },
    actor: { type: 'user', id: 1, name: 'Jane Doe' },
  };
}

/** Sentry's token endpoint for one installation: answers `code` with a token, counts every call. */
export function sentryAuthorizations(uuid: string, code: string, token = `tok-${uuid}`) {
  const calls: string[] = [];
  const scope = nock(SENTRY)
    .persist()
    .post(`/api/0/sentry-app-installations/${uuid}/authorizations/`, (body: { code?: string; grant_type?: string }) => {
      calls.push(String(body.code));
      return true;
    })
    .reply(function (_uri, body) {
      const given = (body as { code?: string }).code;
      return given === code && calls.filter((c) => c === code).length === 1
        ? [201, { token, refreshToken: `refresh-${uuid}`, expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString() }]
        : [400, { detail: 'invalid grant' }];
    });
  return { calls, scope };
}

/** `PUT /api/0/sentry-app-installations/{uuid}/` with `{"status":"installed"}`: resolved once called. */
export function sentryMarkInstalled(uuid: string): { done: () => boolean } {
  let called = false;
  nock(SENTRY)
    .put(`/api/0/sentry-app-installations/${uuid}/`, (body: { status?: string }) => body.status === 'installed')
    .reply(200, () => {
      called = true;
      return { uuid, status: 'installed' };
    });
  return { done: () => called };
}

/** The browser's visit to the connect link: the cookie Threadline set, and where it sent the browser. */
export async function followConnectLink(
  svc: TestService,
  link: URL,
): Promise<{ status: number; location: string | null; setCookie: string; cookie: string }> {
  const res = await fetch(onService(svc, link), { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, location: res.headers.get('location'), setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

export async function setupPage(
  svc: TestService,
  q: { code: string; installationId: string; orgSlug: string },
  cookie?: string,
): Promise<{ status: number; html: string }> {
  const res = await fetch(`${svc.url}/sentry/setup?${new URLSearchParams(q)}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, html: await res.text() };
}

/** The whole connect flow for one team and org: command, link, cookie, webhook, redirect. */
export async function connectSentry(
  svc: TestService,
  team: (typeof TEAMS)[keyof typeof TEAMS],
  org: string,
  uuid = randomUUID(),
): Promise<string> {
  const code = randomUUID().replace(/-/g, '');
  sentryAuthorizations(uuid, code);
  const installed = sentryMarkInstalled(uuid);
  const link = linkIn(await command(svc, team, 'connect sentry'));
  const { cookie } = await followConnectLink(svc, link);
  const sent = await sendSentry(svc, 'installation', installationCreated(uuid, org, code));
  if (sent.status !== 200) throw new Error(`installation.created answered ${sent.status}`);
  const page = await setupPage(svc, { code, installationId: uuid, orgSlug: org }, cookie);
  if (page.status !== 200 || !installed.done()) throw new Error(`setup answered ${page.status}: ${page.html}`);
  return uuid;
}
