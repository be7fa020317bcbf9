/**
 * Sentry buttons through the real `/slack/events` route of an in-process service: a real thread
 * is created by a signed Sentry webhook, then its card is clicked with signed block_actions.
 * Sentry is nock; Slack is the fake on 127.0.0.1.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { randomUUID } from 'node:crypto';
import { createSentryTokens } from '../../src/sources/sentry/tokens.js';
import { createChannelSettings } from '../../src/slack/settings.js';
import { startService, SENTRY_SECRET, SIGNING_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { sendSentry, subscribe } from '../helpers/deliver.js';
import { blockActionsBody, postSigned, waitFor } from '../helpers/slack.js';
import { trackUnansweredSourceCalls } from '../helpers/source-apis.js';

const SENTRY = 'https://sentry.test';
const FALLBACK = 'sntrys-fallback-token-for-tests';
const CLIENT_ID = 'threadline-test-client';
const PROJECT = 'mobile-app';
const ENV = {
  SENTRY_URL: SENTRY,
  SENTRY_AUTH_TOKEN: FALLBACK,
  SENTRY_CLIENT_ID: CLIENT_ID,
  BUGSEE_API_URL: 'https://bugsee.test',
  BUGSEE_API_TOKEN: 'bugsee-api-token-for-tests',
};
const FOREIGN = "This message doesn't belong to this workspace's Threadline.";

type Block = { type: string; block_id?: string; elements?: Element[] };
type Element = { type: string; action_id?: string; value?: string; options?: { value: string }[] };
interface Thread {
  ch: string;
  gid: string;
  ts: string;
  org: string;
  blocks: Block[];
}

let seq = 0;
const uniq = () => `${Date.now()}${String(seq++).padStart(3, '0')}`;
const actionTs = () => `${Math.floor(Date.now() / 1000)}.${uniq().slice(-6)}`;

function issuePayload(
  gid: string,
  org: string,
  action: string,
  actor: Record<string, unknown> = { type: 'application', id: 'sentry', name: 'Sentry' },
) {
  return {
    action,
    actor,
    data: {
      issue: {
        id: gid,
        shortId: 'MOBILE-1A',
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        culprit: 'app/checkout.js in submit',
        level: 'error',
        status: action === 'resolved' ? 'resolved' : 'unresolved',
        substatus: action === 'resolved' ? null : 'new',
        project: { id: '42', name: PROJECT, slug: PROJECT },
        permalink: `https://sentry.io/organizations/${org}/issues/${gid}/`,
        firstSeen: new Date().toISOString(),
        lastSeen: new Date().toISOString(),
        count: '3',
        userCount: 2,
      },
    },
  };
}

/** Slack gives every block a block_id; the fake does not, so the test does. */
const withBlockIds = (blocks: Block[]) => blocks.map((b, i) => ({ block_id: `b${i}`, ...b }));

async function newThread(svc: TestService, org = 'acme'): Promise<Thread> {
  const ch = `C${uniq()}`;
  await subscribe(svc, { channelId: ch, source: 'sentry', target: `${org}/${PROJECT}` });
  const gid = uniq();
  expect((await sendSentry(svc, 'issue', issuePayload(gid, org, 'created'))).status).toBe(200);
  const parent = await waitFor(() => svc.slack.of('chat.postMessage', ch).find((c) => !c.args.thread_ts), 10_000);
  const ts = await waitFor(async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.ts ?? undefined, 10_000);
  return { ch, gid, ts, org, blocks: withBlockIds(parent.args.blocks as Block[]) };
}

/** The card as it was before the picker: its assign control a users_select (still accepted). */
const olderCard = (blocks: Block[]): Block[] =>
  blocks.map((b) => ({
    ...b,
    elements: b.elements?.map((e) => (e.action_id === 'sentry.issue.assign' ? { type: 'users_select', action_id: e.action_id } : e)),
  }));

function element(blocks: Block[], actionId: string): { el: Element; blockId: string } {
  for (const b of blocks) for (const el of b.elements ?? []) if (el.action_id === actionId) return { el, blockId: b.block_id as string };
  throw new Error(`no ${actionId} on the card`);
}

interface ClickOpts {
  option?: string;
  user?: string;
  teamId?: string;
  ts?: string;
  value?: string;
  blocks?: Block[];
}

function clickBody(t: Thread, actionId: string, o: ClickOpts = {}): string {
  const blocks = o.blocks ?? t.blocks;
  const { el, blockId } = element(blocks, actionId);
  const action: Record<string, unknown> = { type: el.type, action_id: actionId, block_id: blockId, action_ts: o.ts ?? actionTs() };
  if (el.type === 'button') action.value = o.value ?? el.value;
  if (el.type === 'overflow') action.selected_option = el.options?.find((x) => (JSON.parse(x.value) as { o?: string }).o === o.option);
  if (el.type === 'users_select') action.selected_user = o.user;
  const teamId = o.teamId ?? 'T1';
  return blockActionsBody({
    actions: [action],
    teamId,
    userId: 'U123',
    channelId: t.ch,
    container: { type: 'message', message_ts: t.ts, channel_id: t.ch, is_ephemeral: false },
    message: { type: 'message', ts: t.ts, text: 'card', blocks },
    extra: { user: { id: 'U123', username: 'jane', name: 'jane', team_id: teamId } },
  });
}

async function click(svc: TestService, t: Thread, actionId: string, o: ClickOpts = {}) {
  const res = await postSigned(`${svc.url}/slack/events`, clickBody(t, actionId, o), { secret: SIGNING_SECRET });
  expect(res.status).toBe(200);
  return res;
}

const replies = (svc: TestService, t: Thread) => svc.slack.of('chat.postMessage', t.ch).filter((c) => c.args.thread_ts === t.ts);
const updates = (svc: TestService, t: Thread) => svc.slack.of('chat.update', t.ch).filter((c) => c.args.ts === t.ts);
const ephemerals = (svc: TestService, t: Thread) => svc.slack.of('chat.postEphemeral', t.ch);
const issuePath = (t: Thread) => `/api/0/organizations/${t.org}/issues/${t.gid}/`;
const bearer = (token: string) => ({ reqheaders: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

async function actionCount(svc: TestService, action: string, result: string): Promise<number> {
  const m = await svc.t.metrics.actions.get();
  return m.values.find((v) => v.labels.action === action && v.labels.result === result)?.value ?? 0;
}

/** Requests to the fake sources that no interceptor answered: each would be a stray API call. */
const unmatched = trackUnansweredSourceCalls();

async function expectResolvedOnce(svc: TestService, t: Thread) {
  await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
  const reply = replies(svc, t)[0];
  expect(String(reply?.args.text)).toMatch(/Resolved by @jane/);
  const update = updates(svc, t)[0];
  expect(String(update?.args.text)).toMatch(/resolved by @jane/);
  // The card now offers the opposite action.
  expect(JSON.stringify(update?.args.blocks)).toContain('sentry.issue.unresolve');
}

describe.each<StoreKind>(['sqlite', 'redis'])('Sentry resolve button on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind, ENV);
  });
  afterAll(async () => svc?.stop());

  it('acks, PUTs status resolved with the fallback token, replies and updates the card; the echo webhook adds no reply', async () => {
    const t = await newThread(svc);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).reply(200, { status: 'resolved' });
    const res = await click(svc, t, 'sentry.issue.resolve');
    expect(res.text).toBe('');
    await expectResolvedOnce(svc, t);
    expect(scope.isDone()).toBe(true);
    expect(ephemerals(svc, t)).toHaveLength(0);
    expect(await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:sentry.issue.resolved`)).toEqual({ lastChangeBy: '@jane' });

    // Sentry's own webhook for the change, made by our integration.
    const echo = issuePayload(t.gid, t.org, 'resolved', { type: 'application', id: 'threadline', name: 'Threadline' });
    expect((await sendSentry(svc, 'issue', echo)).status).toBe(200);
    await waitFor(() => updates(svc, t).length === 2, 10_000);
    expect(replies(svc, t)).toHaveLength(1);
    // The worker drops the mark just after chat.update, so the update can be seen a moment before.
    await waitFor(
      async () => (await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:sentry.issue.resolved`)) === null,
      15_000,
    ).catch(() => undefined);
    expect(await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:sentry.issue.resolved`)).toBeNull();
    // The card still credits the person who clicked, not the integration that echoed it.
    expect((await svc.t.store.getThread('T1', t.ch, `sentry:issue:${t.gid}`))?.state.lastChangeBy).toBe('@jane');
    expect(await actionCount(svc, 'sentry.issue.resolve', 'ok')).toBeGreaterThanOrEqual(1);
    expect(unmatched).toEqual([]);
    expect(svc.logs.join('\n')).not.toContain(FALLBACK);
  });
});

describe('Sentry buttons (sqlite)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite', ENV);
  });
  afterAll(async () => svc?.stop());

  it('answers Slack before it calls Sentry', async () => {
    const t = await newThread(svc);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    // Sentry does not answer until the click's HTTP response is in: an ack after the call would hang.
    const scope = nock(SENTRY, bearer(FALLBACK))
      .put(issuePath(t), { status: 'resolved' })
      .reply(async () => {
        await gate;
        return [200, {}];
      });
    await click(svc, t, 'sentry.issue.resolve');
    expect(replies(svc, t)).toHaveLength(0);
    release();
    await expectResolvedOnce(svc, t);
    expect(scope.isDone()).toBe(true);
  });

  it('unresolves from the updated card', async () => {
    const t = await newThread(svc);
    nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).reply(200, {});
    await click(svc, t, 'sentry.issue.resolve');
    await expectResolvedOnce(svc, t);
    const card = withBlockIds(updates(svc, t)[0]?.args.blocks as Block[]);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'unresolved' }).reply(200, {});
    await click(svc, t, 'sentry.issue.unresolve', { blocks: card });
    await waitFor(() => replies(svc, t).length === 2 && updates(svc, t).length === 2, 10_000);
    expect(scope.isDone()).toBe(true);
    expect(String(replies(svc, t)[1]?.args.text)).toMatch(/Unresolved by @jane/);
    expect(JSON.stringify(updates(svc, t)[1]?.args.blocks)).toContain('sentry.issue.resolve');
    // The thread record is written just after the card update.
    await waitFor(async () => (await svc.t.store.getThread('T1', t.ch, `sentry:issue:${t.gid}`))?.state.status === 'unresolved');
  });

  it('archives until escalating', async () => {
    const t = await newThread(svc);
    const scope = nock(SENTRY, bearer(FALLBACK))
      .put(issuePath(t), { status: 'ignored', substatus: 'archived_until_escalating' })
      .reply(200, {});
    await click(svc, t, 'sentry.issue.archive');
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(scope.isDone()).toBe(true);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Archived until it escalates by @jane/);
    for (const type of ['sentry.issue.archived', 'sentry.issue.ignored']) {
      expect(await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:${type}`)).toEqual({ lastChangeBy: '@jane' });
    }
  });

  it.each([
    ['resolve_next_release', { status: 'resolvedInNextRelease' }, /Resolved in the next release by @jane/],
    ['archive_until_100_events', { status: 'ignored', statusDetails: { ignoreCount: 100 } }, /Archived until 100 more events by @jane/],
    ['archive_1h', { status: 'ignored', statusDetails: { ignoreDuration: 60 } }, /Archived for 1 hour by @jane/],
    ['archive_24h', { status: 'ignored', statusDetails: { ignoreDuration: 1440 } }, /Archived for 1 day by @jane/],
  ])('overflow option %s sends %j', async (option, body, said) => {
    const t = await newThread(svc);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), body).reply(200, {});
    await click(svc, t, 'sentry.issue.more', { option });
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(scope.isDone()).toBe(true);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(said);
  });

  it("assigns to the Sentry member with the chosen Slack user's email", async () => {
    const t = await newThread(svc);
    const members = nock(SENTRY, { reqheaders: { authorization: `Bearer ${FALLBACK}` } })
      .get(`/api/0/organizations/${t.org}/members/`)
      .query({ query: 'email:u777@example.com' })
      .reply(200, [
        { id: '9', email: 'u777@example.com', name: 'Mia Member', user: { id: '4242', name: 'Mia Member', email: 'u777@example.com' } },
      ]);
    const put = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { assignedTo: 'user:4242' }).reply(200, {});
    // This channel names assignees rather than mentioning them (mentions: test/slack/mentions.test.ts).
    await createChannelSettings(svc.t.store).update('T1', t.ch, { mention: 'off' });
    await click(svc, t, 'sentry.issue.assign', { user: 'U777', blocks: olderCard(t.blocks) });
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(members.isDone() && put.isDone()).toBe(true);
    expect(svc.slack.of('users.info').some((c) => c.args.user === 'U777')).toBe(true);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Assigned to Mia Member by @jane/);
    expect(JSON.stringify(updates(svc, t)[0]?.args.blocks)).toContain('Mia Member');
    expect(await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:sentry.issue.assigned`)).toEqual({ lastChangeBy: '@jane' });
  });

  it('tells the clicker when no Sentry member has the email, and does not PUT', async () => {
    const t = await newThread(svc);
    const members = nock(SENTRY).get(`/api/0/organizations/${t.org}/members/`).query({ query: 'email:u888@example.com' }).reply(200, []);
    await click(svc, t, 'sentry.issue.assign', { user: 'U888', blocks: olderCard(t.blocks) });
    const eph = await waitFor(() => ephemerals(svc, t)[0], 10_000);
    expect(eph.args).toMatchObject({ channel: t.ch, user: 'U123' });
    expect(String(eph.args.text)).toContain('No Sentry member of acme has the email u888@example.com');
    expect(members.isDone()).toBe(true);
    expect(updates(svc, t)).toHaveLength(0);
    expect(replies(svc, t)).toHaveLength(0);
    expect(unmatched).toEqual([]);
  });

  it('makes one call for a double click and for a repeated delivery', async () => {
    const t = await newThread(svc);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).once().reply(200, {});
    const before = await actionCount(svc, 'sentry.issue.resolve', 'duplicate');
    const same = clickBody(t, 'sentry.issue.resolve');
    await Promise.all([
      postSigned(`${svc.url}/slack/events`, same, { secret: SIGNING_SECRET }),
      postSigned(`${svc.url}/slack/events`, same, { secret: SIGNING_SECRET }),
      click(svc, t, 'sentry.issue.resolve'),
    ]);
    await waitFor(async () => (await actionCount(svc, 'sentry.issue.resolve', 'duplicate')) - before === 2, 10_000);
    await expectResolvedOnce(svc, t);
    expect(scope.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    expect(ephemerals(svc, t)).toHaveLength(0);
  });

  it('refuses a click from another workspace on this message, without calling Sentry', async () => {
    const t = await newThread(svc);
    await click(svc, t, 'sentry.issue.resolve', { teamId: 'T_OTHER' });
    const eph = await waitFor(() => ephemerals(svc, t)[0], 10_000);
    expect(eph.args).toMatchObject({ channel: t.ch, user: 'U123', text: FOREIGN });
    expect(await actionCount(svc, 'sentry.issue.resolve', 'refused')).toBeGreaterThanOrEqual(1);
    expect(updates(svc, t)).toHaveLength(0);
    expect(unmatched).toEqual([]);
  });

  it('refuses a button value that names another issue than its message', async () => {
    const t = await newThread(svc);
    const forged = JSON.stringify({ s: 'sentry', org: 'acme', issueId: '1' });
    await click(svc, t, 'sentry.issue.resolve', { value: forged });
    const eph = await waitFor(() => ephemerals(svc, t)[0], 10_000);
    expect(String(eph.args.text)).toContain("doesn't match its message");
    await click(svc, t, 'sentry.issue.resolve', { value: '{"s":"sentry","org":"acme"' });
    await waitFor(() => ephemerals(svc, t).length === 2, 10_000);
    expect(String(ephemerals(svc, t)[1]?.args.text)).toContain('could not be read');
    await click(svc, t, 'sentry.issue.resolve', { value: JSON.stringify({ s: 'sentry', org: 'other-org', issueId: t.gid }) });
    await waitFor(() => ephemerals(svc, t).length === 3, 10_000);
    expect(String(ephemerals(svc, t)[2]?.args.text)).toContain("doesn't match its message");
    expect(updates(svc, t)).toHaveLength(0);
    expect(unmatched).toEqual([]);
  });

  it('acks link buttons without doing anything', async () => {
    const t = await newThread(svc);
    const body = blockActionsBody({
      actions: [{ type: 'button', action_id: 'link.sentry.issue.open', block_id: 'b3', action_ts: actionTs() }],
      channelId: t.ch,
      message: { type: 'message', ts: t.ts, blocks: t.blocks },
    });
    const res = await postSigned(`${svc.url}/slack/events`, body, { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    expect(ephemerals(svc, t)).toHaveLength(0);
  });

  it('uses the refreshed installation token once the stored one has expired', async () => {
    const org = `acme-${uniq()}`;
    const uuid = randomUUID();
    const auth = `/api/0/sentry-app-installations/${uuid}/authorizations/`;
    // Install through the tokens module: the code exchange stores an already-expired token.
    nock(SENTRY)
      .post(auth, { grant_type: 'authorization_code', code: 'install-code', client_id: CLIENT_ID, client_secret: SENTRY_SECRET })
      .reply(201, { token: 'old-installation-token', refreshToken: 'refresh-1', expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const tokens = createSentryTokens({
      store: svc.t.store,
      baseUrl: SENTRY,
      clientId: CLIENT_ID,
      clientSecret: SENTRY_SECRET,
      cipher: svc.t.cipher,
    });
    await tokens.exchangeCode(uuid, 'install-code', org);

    const t = await newThread(svc, org);
    const refresh = nock(SENTRY)
      .post(auth, { grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: CLIENT_ID, client_secret: SENTRY_SECRET })
      .reply(201, {
        token: 'new-installation-token',
        refreshToken: 'refresh-2',
        expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString(),
      });
    const put = nock(SENTRY, bearer('new-installation-token')).put(issuePath(t), { status: 'resolved' }).reply(200, {});
    await click(svc, t, 'sentry.issue.resolve');
    await expectResolvedOnce(svc, t);
    expect(refresh.isDone() && put.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    const logs = svc.logs.join('\n');
    for (const secret of ['old-installation-token', 'new-installation-token', 'refresh-1', 'refresh-2']) expect(logs).not.toContain(secret);
  });
});

describe('Sentry failures (sqlite): an ephemeral reason, and the message stays as it was', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite', ENV);
  });
  afterAll(async () => svc?.stop());

  async function failedClick(t: Thread, ts = actionTs()) {
    await click(svc, t, 'sentry.issue.resolve', { ts });
    const eph = await waitFor(() => ephemerals(svc, t)[0], 10_000);
    expect(eph.args).toMatchObject({ channel: t.ch, user: 'U123' });
    expect(updates(svc, t)).toHaveLength(0);
    expect(replies(svc, t)).toHaveLength(0);
    expect(await svc.t.store.getRecord(`echo:T1:${t.ch}:sentry:issue:${t.gid}:sentry.issue.resolved`)).toBeNull();
    return String(eph.args.text);
  }

  it.each([
    [401, {}, "Threadline's Sentry integration lacks Issue & Event: Read & Write", 'unauthorized'],
    [403, {}, "Threadline's Sentry integration lacks Issue & Event: Read & Write", 'forbidden'],
    [404, {}, 'Sentry no longer has this issue', 'not_found'],
    [429, { 'Retry-After': '30' }, 'Sentry is rate-limiting; try again in 30 s', 'rate_limited'],
    [500, {}, "Sentry didn't answer; try again", 'server'],
  ])('HTTP %i', async (status, headers, said, result) => {
    const t = await newThread(svc);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).reply(status, { detail: 'nope' }, headers);
    const ts = actionTs();
    expect(await failedClick(t, ts)).toContain(said);
    expect(scope.isDone()).toBe(true);
    expect(await actionCount(svc, 'sentry.issue.resolve', result)).toBeGreaterThanOrEqual(1);
    const logged = svc.logLines().find((l) => l.msg === 'button action failed' && l.actionTs === ts);
    expect(logged).toMatchObject({ action: 'sentry.issue.resolve', result, status });
    expect(svc.logs.join('\n')).not.toContain(FALLBACK);
  });

  it('a timeout says Sentry did not answer', async () => {
    const t = await newThread(svc);
    // The client gives Sentry 5 s.
    nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).delay(7000).reply(200, {});
    expect(await failedClick(t)).toContain("Sentry didn't answer; try again");
    expect(await actionCount(svc, 'sentry.issue.resolve', 'timeout')).toBeGreaterThanOrEqual(1);
  });

  it('a failed click can be tried again at once', async () => {
    const t = await newThread(svc);
    nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).reply(502, {});
    await failedClick(t);
    const scope = nock(SENTRY, bearer(FALLBACK)).put(issuePath(t), { status: 'resolved' }).reply(200, {});
    await click(svc, t, 'sentry.issue.resolve');
    await expectResolvedOnce(svc, t);
    expect(scope.isDone()).toBe(true);
  });
});

describe('Sentry with no token at all (sqlite)', () => {
  let svc: TestService;
  beforeAll(async () => {
    const { SENTRY_AUTH_TOKEN: _none, ...env } = ENV;
    svc = await startService('sqlite', env);
  });
  afterAll(async () => svc?.stop());

  it('asks for a reinstall, naming the org, and calls nothing', async () => {
    const t = await newThread(svc);
    await click(svc, t, 'sentry.issue.archive');
    const eph = await waitFor(() => ephemerals(svc, t)[0], 10_000);
    expect(eph.args).toMatchObject({ channel: t.ch, user: 'U123', text: 'Reinstall the Sentry integration (no token for org acme).' });
    expect(updates(svc, t)).toHaveLength(0);
    expect(unmatched).toEqual([]);
    expect(await actionCount(svc, 'sentry.issue.archive', 'no_token')).toBe(1);
  });
});
