/**
 * Two workspaces on one multi-workspace Threadline, two Sentry orgs, two Bugsee tokens, through the
 * real routes on both stores: each workspace sees only its own; the stranger's subscribe is
 * refused; the stranger's click never reaches Sentry; a member's click acts and a non-member's
 * gets an ephemeral answer while Sentry receives nothing.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { BUGSEE_SECRET, SIGNING_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { sendBugsee, sendSentry } from '../helpers/deliver.js';
import { blockActionsBody, eventCallbackBody, postSigned, waitFor } from '../helpers/slack.js';
import { bugseeThreadKeys } from '../../src/sources/bugsee/subjects.js';
import { command, connectSentry, SENTRY, startMultiWorkspace, TEAMS } from './helpers.js';

const A = TEAMS.A;
const B = TEAMS.B;
let seq = 0;
const uniq = () => `${Date.now()}${String(seq++).padStart(3, '0')}`;

function issue(gid: string, org: string) {
  return {
    action: 'created',
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    data: {
      issue: {
        id: gid,
        shortId: 'WEB-1',
        title: 'TypeError: x is undefined',
        culprit: 'app.js',
        level: 'error',
        status: 'unresolved',
        substatus: 'new',
        project: { id: '1', name: 'web', slug: 'web' },
        permalink: `https://sentry.io/organizations/${org}/issues/${gid}/`,
        firstSeen: new Date().toISOString(),
        lastSeen: new Date().toISOString(),
        count: '1',
        userCount: 1,
      },
    },
  };
}

/** A new Bugsee issue (its own thread) in an envelope with this id. */
function bugseeIssue(id: string) {
  const envelope = JSON.parse(readFileSync('fixtures/bugsee/issue.created.json', 'utf8')) as {
    id: string;
    payload: { issue: { key: string } };
  };
  envelope.id = id;
  envelope.payload.issue.key = `IOS-${id.replace(/\D/g, '').slice(-9)}`;
  return envelope;
}

/** The token in the webhook URL `connect bugsee` answered with. */
const tokenIn = (reply: string) => /\/webhooks\/bugsee\?token=([A-Za-z0-9_-]+)/.exec(reply)?.[1] as string;

type Block = { type: string; block_id?: string; elements?: { type: string; action_id?: string; value?: string }[] };

/** Every request Sentry or Bugsee received, whatever it was. */
const received: string[] = [];
function recordSources() {
  for (const host of [SENTRY, 'https://bugsee.test']) {
    nock(host)
      .persist()
      .put(/.*/)
      .reply(200, function (uri) {
        received.push(`PUT ${host}${uri}`);
        return {};
      })
      .post(/.*/)
      .reply(200, function (uri) {
        received.push(`POST ${host}${uri}`);
        return {};
      });
  }
}

/** Clicks `actionId` on a card posted by the fake Slack, as `userId` of `teamId`. */
function clickOn(
  svc: TestService,
  card: { args: Record<string, unknown> },
  ts: string,
  channel: string,
  actionId: string,
  teamId: string,
  userId: string,
) {
  const blocks = (card.args.blocks as Block[]).map((b, i) => ({ block_id: `b${i}`, ...b }));
  const hit = blocks.flatMap((b) => (b.elements ?? []).map((el) => ({ el, blockId: b.block_id }))).find((x) => x.el.action_id === actionId);
  if (!hit) throw new Error(`no ${actionId} on the card`);
  return postSigned(
    `${svc.url}/slack/events`,
    blockActionsBody({
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: hit.blockId,
          value: hit.el.value,
          action_ts: `${Math.floor(Date.now() / 1000)}.${uniq().slice(-6)}`,
        },
      ],
      teamId,
      userId,
      channelId: channel,
      container: { type: 'message', message_ts: ts, channel_id: channel },
      message: { type: 'message', ts, text: 'card', blocks },
      extra: { user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId } },
    }),
    { secret: SIGNING_SECRET },
  );
}

describe.each<StoreKind>(['redis', 'sqlite'])('two workspaces on %s', (kind) => {
  let svc: TestService;
  let tokenA: string;
  let tokenB: string;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    svc = await startMultiWorkspace(kind);
    await connectSentry(svc, A, 'acme');
    await connectSentry(svc, B, 'globex');
    tokenA = tokenIn(await command(svc, A, 'connect bugsee'));
    tokenB = tokenIn(await command(svc, B, 'connect bugsee'));
    nock.cleanAll();
  });
  afterAll(async () => {
    await svc.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    received.length = 0;
  });

  const posts = (channel: string) => svc.slack.of('chat.postMessage', channel).filter((c) => !c.args.thread_ts);

  it('gives each workspace its own token, the same on a repeat, a new one on --rotate (the old one kept 24 h)', async () => {
    expect(tokenA).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(tokenA).not.toBe(tokenB);
    expect(tokenIn(await command(svc, A, 'connect bugsee'))).toBe(tokenA);
    const rows = await svc.t.store.listConnections({ source: 'bugsee', teamId: A.id });
    // Kept as a hash to look up and sealed to show again: never as it is.
    expect(JSON.stringify(rows)).not.toContain(tokenA);
    expect(rows.map((r) => r.data?.token?.startsWith('enc:v2:'))).toEqual([true]);

    // --rotate: a new URL; the old token still delivers (24 h grace), the new one too.
    const rotated = await command(svc, A, 'connect bugsee --rotate');
    const newA = tokenIn(rotated);
    expect(newA).not.toBe(tokenA);
    expect(rotated).toContain('24 hours');
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: tokenA })).status).toBe(200);
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: newA })).status).toBe(200);
    expect(tokenIn(await command(svc, A, 'connect bugsee'))).toBe(newA);
    const old = (await svc.t.store.listConnections({ source: 'bugsee', teamId: A.id })).find((c) => c.expiresAt);
    const hours = (Date.parse(old?.expiresAt ?? '') - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it('routes each org and each token to its own workspace only; refuses the stranger', async () => {
    expect(await command(svc, A, 'subscribe sentry acme/*')).toContain('Subscribed');
    expect(await command(svc, B, 'subscribe sentry globex/*')).toContain('Subscribed');
    const refused = await command(svc, B, 'subscribe sentry acme/*', 'CB2');
    expect(refused).toContain("isn't connected to the Sentry org `acme`");
    expect(refused).toContain('/threadline connect sentry');
    expect(await svc.t.store.listSubscriptions({ teamId: B.id, channelId: 'CB2' })).toEqual([]);
    expect(await command(svc, A, 'subscribe bugsee *')).toContain('Subscribed');
    expect(await command(svc, B, 'subscribe bugsee *')).toContain('Subscribed');

    expect((await sendSentry(svc, 'issue', issue(uniq(), 'acme'))).status).toBe(200);
    expect((await sendSentry(svc, 'issue', issue(uniq(), 'globex'))).status).toBe(200);
    await waitFor(() => posts(A.channel).length === 1 && posts(B.channel).length === 1, 10_000).catch((err) => {
      throw new Error(
        `${err}: A ${posts(A.channel).length}, B ${posts(B.channel).length}; ${svc.logs
          .filter((l) => /warn|error/.test(l))
          .slice(-5)
          .join('\n')}`,
      );
    });
    expect(posts(A.channel)[0]?.token).toBe('xoxb-TA');
    expect(JSON.stringify(posts(A.channel)[0]?.args)).toContain('acme');
    expect(JSON.stringify(posts(B.channel)[0]?.args)).toContain('globex');

    // The same Bugsee event through both workspaces' webhooks: both get it (dedup per connection).
    const id = `bs-${uniq()}`;
    expect((await sendBugsee(svc, bugseeIssue(id), { token: tokenA })).status).toBe(200);
    expect((await sendBugsee(svc, bugseeIssue(id), { token: tokenB })).status).toBe(200);
    expect((await sendBugsee(svc, bugseeIssue(id), { token: tokenB })).body.status).toBe('duplicate');
    await waitFor(() => posts(A.channel).length === 2 && posts(B.channel).length === 2, 10_000).catch((err) => {
      throw new Error(`${err}: A ${posts(A.channel).length}, B ${posts(B.channel).length}; ${svc.logs.slice(-8).join('\n')}`);
    });

    // Only A's token: only A.
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: tokenA })).status).toBe(200);
    await waitFor(() => posts(A.channel).length === 3, 10_000);
    // The shared secret belongs to no workspace: accepted, posted nowhere, one warning.
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: BUGSEE_SECRET })).status).toBe(200);
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: BUGSEE_SECRET })).status).toBe(200);
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: 'not-anyones-token' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(posts(A.channel)).toHaveLength(3);
    expect(posts(B.channel)).toHaveLength(2);
    expect(svc.logs.filter((l) => l.includes('/threadline connect bugsee'))).toHaveLength(1);

    // `list` shows each workspace its own connections.
    const listA = await command(svc, A, 'list');
    expect(listA).toContain('org `acme`');
    expect(listA).not.toContain('globex');
    expect(listA).toContain('*Bugsee* webhook URL');
    expect(listA).not.toContain(tokenA);
    const logged = svc.logs.join('\n');
    expect(logged).not.toContain(tokenA);
    expect(logged).not.toContain(tokenB);
  });

  it("never lets the stranger's click reach Sentry; a member's click acts, a non-member's is told why", async () => {
    recordSources();
    const ch = `CA${uniq()}`;
    expect(await command(svc, A, 'subscribe sentry acme/web', ch)).toContain('Subscribed');
    expect(await command(svc, B, 'connect sentry')).toBeTruthy();
    const gid = uniq();
    expect((await sendSentry(svc, 'issue', issue(gid, 'acme'))).status).toBe(200);
    const parent = await waitFor(() => posts(ch)[0], 10_000);
    const ts = await waitFor(async () => (await svc.t.store.getThread(A.id, ch, `sentry:issue:${gid}`))?.ts ?? undefined, 10_000);
    const blocks = (parent.args.blocks as Block[]).map((b, i) => ({ block_id: `b${i}`, ...b }));
    const resolve = blocks
      .flatMap((b) => (b.elements ?? []).map((el) => ({ el, blockId: b.block_id })))
      .find((x) => x.el.action_id === 'sentry.issue.resolve');
    expect(resolve).toBeTruthy();
    const clickAs = (teamId: string, userId: string) =>
      postSigned(
        `${svc.url}/slack/events`,
        blockActionsBody({
          actions: [
            {
              type: 'button',
              action_id: 'sentry.issue.resolve',
              block_id: resolve?.blockId,
              value: resolve?.el.value,
              action_ts: `${Math.floor(Date.now() / 1000)}.${uniq().slice(-6)}`,
            },
          ],
          teamId,
          userId,
          channelId: ch,
          container: { type: 'message', message_ts: ts, channel_id: ch },
          message: { type: 'message', ts, text: 'card', blocks },
          extra: { user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId } },
        }),
        { secret: SIGNING_SECRET },
      );
    const ephemeralsFor = (user: string) => svc.slack.of('chat.postEphemeral', ch).filter((c) => c.args.user === user);

    // The stranger clicks acme's card: refused before anything is called.
    expect((await clickAs(B.id, 'UB1')).status).toBe(200);
    await waitFor(() => ephemeralsFor('UB1').length === 1, 8000);
    expect(received).toEqual([]);

    // A non-member of acme (Sentry lists no member with their Slack email).
    nock(SENTRY).get('/api/0/organizations/acme/members/').query({ query: 'email:ua2@example.com' }).reply(200, []);
    expect((await clickAs(A.id, 'UA2')).status).toBe(200);
    const told = await waitFor(() => ephemeralsFor('UA2')[0], 8000);
    expect(String(told.args.text)).toContain("Your Slack email isn't a member of acme in Sentry");
    expect(received).toEqual([]);

    // A billing-only member does not count either.
    nock(SENTRY)
      .get('/api/0/organizations/acme/members/')
      .query({ query: 'email:ua3@example.com' })
      .reply(200, [{ id: '9', email: 'ua3@example.com', orgRole: 'billing', user: { id: '9' } }]);
    expect((await clickAs(A.id, 'UA3')).status).toBe(200);
    await waitFor(() => ephemeralsFor('UA3').length === 1, 8000);
    expect(received).toEqual([]);

    // A member acts.
    nock(SENTRY)
      .get('/api/0/organizations/acme/members/')
      .query({ query: 'email:ua1@example.com' })
      .reply(200, [{ id: '7', email: 'ua1@example.com', orgRole: 'member', user: { id: '7' } }]);
    expect((await clickAs(A.id, 'UA1')).status).toBe(200);
    await waitFor(() => received.length === 1 || undefined, 8000);
    expect(received).toEqual([`PUT ${SENTRY}/api/0/organizations/acme/issues/${gid}/`]);
  });

  it('shows each workspace its own connections in App Home', async () => {
    const home = (teamId: string) => svc.slack.of('views.publish').filter((c) => c.token === `xoxb-${teamId}`);
    const body = eventCallbackBody({ type: 'app_home_opened', user: A.user, tab: 'home', channel: 'D1' }, { teamId: A.id });
    expect((await postSigned(`${svc.url}/slack/events`, body, { secret: SIGNING_SECRET })).status).toBe(200);
    const view = JSON.stringify((await waitFor(() => home(A.id)[0], 8000)).args.view);
    expect(view).toContain('Connections');
    expect(view).toContain('org `acme`');
    expect(view).not.toContain('globex');
    expect(view).toContain('*Bugsee* webhook URL');
  });

  it('acts on Bugsee buttons only for the workspace whose token delivered the event, while it is connected', async () => {
    recordSources();
    const ch = `CB${uniq()}`;
    expect(await command(svc, B, 'subscribe bugsee *', ch)).toContain('Subscribed');
    const envelope = bugseeIssue(`bs-${uniq()}`);
    expect((await sendBugsee(svc, envelope, { token: tokenB })).status).toBe(200);
    const card = await waitFor(() => posts(ch)[0], 10_000);
    const key = bugseeThreadKeys.issue('IOS', envelope.payload.issue.key);
    const ts = await waitFor(async () => (await svc.t.store.getThread(B.id, ch, key))?.ts ?? undefined, 8000);
    expect(ts).toBeTruthy();
    // The other workspace's click on this card: not its message.
    expect((await clickOn(svc, card, ts, ch, 'bugsee.issue.close', A.id, A.user)).status).toBe(200);
    // Disconnected: its own click is refused too, and Bugsee hears nothing.
    expect(await command(svc, B, 'disconnect bugsee')).toContain('Disconnected Bugsee');
    expect((await clickOn(svc, card, ts, ch, 'bugsee.issue.close', B.id, B.user)).status).toBe(200);
    await waitFor(() => svc.slack.of('chat.postEphemeral', ch).length === 2 || undefined, 8000);
    const texts = svc.slack.of('chat.postEphemeral', ch).map((c) => String(c.args.text));
    expect(texts.some((t) => t.includes('Bugsee connection is gone'))).toBe(true);
    expect(received).toEqual([]);
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: tokenB })).status).toBe(401);
    tokenB = tokenIn(await command(svc, B, 'connect bugsee'));
  });

  it("pauses a workspace's subscriptions when it disconnects, and refuses its clicks", async () => {
    const ch = `CB${uniq()}`;
    expect(await command(svc, B, 'subscribe sentry globex/*', ch)).toContain('Subscribed');
    expect(await command(svc, B, 'disconnect sentry globex')).toContain('Disconnected');
    expect(await command(svc, B, 'list', ch)).toContain('⏸ not connected');
    expect((await sendSentry(svc, 'issue', issue(uniq(), 'globex'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(posts(ch)).toHaveLength(0);

    expect(await command(svc, B, 'disconnect bugsee')).toContain('Disconnected Bugsee');
    expect((await sendBugsee(svc, bugseeIssue(`bs-${uniq()}`), { token: tokenB })).status).toBe(401);
  });
});

describe('single workspace', () => {
  it('keeps everything as it was: connect is not needed', async () => {
    const { startService } = await import('../helpers/service.js');
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const svc = await startService('sqlite');
    try {
      const team = { id: 'T1', user: 'U1', channel: 'C1' };
      expect(await command(svc, team, 'connect sentry')).toContain('serves one workspace');
      expect(await command(svc, team, 'subscribe sentry acme/*')).toContain('Subscribed');
      expect(await command(svc, team, 'list')).not.toContain('connections');
    } finally {
      await svc.stop();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
