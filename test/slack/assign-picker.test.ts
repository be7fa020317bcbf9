/**
 * The assignee picker through the real `/slack/events` route: Slack's options request
 * (block_suggestion) lists the org's members and teams from Sentry (nock), typed text filters
 * them from the cache, and choosing one assigns it in Sentry and shows it in the thread.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { startService, SIGNING_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { sendSentry, subscribe } from '../helpers/deliver.js';
import { blockActionsBody, postSigned, waitFor } from '../helpers/slack.js';
import { createChannelSettings } from '../../src/slack/settings.js';

const SENTRY = 'https://sentry.test';
const TOKEN = 'sntrys-picker-token-for-tests';
const ENV = { SENTRY_URL: SENTRY, SENTRY_AUTH_TOKEN: TOKEN };
const PROJECT = 'mobile-app';

const MEMBERS = [
  {
    id: '9',
    email: 'mia@example.com',
    name: 'Mia Member',
    user: { id: '4242', name: 'Mia Member', email: 'mia@example.com', username: 'mia' },
  },
  {
    id: '10',
    email: 'bo@example.com',
    name: 'Bo Builder',
    user: { id: '4343', name: 'Bo Builder', email: 'bo@example.com', username: 'bo' },
  },
  // A pending invitation: no user yet, so it cannot be assigned and is not listed.
  { id: '11', email: 'invited@example.com', name: 'invited@example.com', user: null, pending: true },
];
const TEAMS = [
  { id: '7', slug: 'mobile', name: 'Mobile' },
  { id: '8', slug: 'payments', name: 'Payments' },
];

type Block = { type: string; block_id?: string; elements?: { type: string; action_id?: string; value?: string }[] };
interface Thread {
  ch: string;
  gid: string;
  ts: string;
  org: string;
  blocks: Block[];
}
type Groups = { option_groups: { label: { text: string }; options: { text: { text: string }; value: string }[] }[] };

let seq = 0;
const uniq = () => `${Date.now()}${String(seq++).padStart(3, '0')}`;
const actionTs = () => `${Math.floor(Date.now() / 1000)}.${uniq().slice(-6)}`;

async function newThread(svc: TestService, org: string): Promise<Thread> {
  const ch = `C${uniq()}`;
  await subscribe(svc, { channelId: ch, source: 'sentry', target: `${org}/${PROJECT}` });
  const gid = uniq();
  const payload = {
    action: 'created',
    data: {
      issue: {
        id: gid,
        shortId: 'MOBILE-1A',
        title: 'TypeError in checkout',
        level: 'error',
        status: 'unresolved',
        project: { id: '42', name: PROJECT, slug: PROJECT },
        permalink: `https://sentry.io/organizations/${org}/issues/${gid}/`,
      },
    },
  };
  expect((await sendSentry(svc, 'issue', payload)).status).toBe(200);
  const parent = await waitFor(() => svc.slack.of('chat.postMessage', ch).find((c) => !c.args.thread_ts), 10_000);
  const ts = await waitFor(async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.ts ?? undefined, 10_000);
  return { ch, gid, ts, org, blocks: (parent.args.blocks as Block[]).map((b, i) => ({ block_id: `b${i}`, ...b })) };
}

async function options(svc: TestService, t: Thread, value: string, teamId = 'T1'): Promise<Groups> {
  const payload = {
    type: 'block_suggestion',
    action_id: 'sentry.issue.assign',
    block_id: 'b3',
    value,
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    team: { id: teamId, domain: 'acme' },
    user: { id: 'U123', name: 'jane', team_id: teamId },
    channel: { id: t.ch, name: 'alerts' },
    container: { type: 'message', message_ts: t.ts, channel_id: t.ch, is_ephemeral: false },
  };
  const res = await postSigned(`${svc.url}/slack/events`, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
    secret: SIGNING_SECRET,
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as Groups;
}

async function choose(svc: TestService, t: Thread, value: string, text: string) {
  const block = t.blocks.find((b) => b.elements?.some((e) => e.action_id === 'sentry.issue.assign')) as Block;
  const body = blockActionsBody({
    actions: [
      {
        type: 'external_select',
        action_id: 'sentry.issue.assign',
        block_id: block.block_id,
        selected_option: { text: { type: 'plain_text', text }, value },
        action_ts: actionTs(),
      },
    ],
    teamId: 'T1',
    userId: 'U123',
    channelId: t.ch,
    container: { type: 'message', message_ts: t.ts, channel_id: t.ch, is_ephemeral: false },
    message: { type: 'message', ts: t.ts, text: 'card', blocks: t.blocks },
    extra: { user: { id: 'U123', username: 'jane', name: 'jane', team_id: 'T1' } },
  });
  const res = await postSigned(`${svc.url}/slack/events`, body, { secret: SIGNING_SECRET });
  expect(res.status).toBe(200);
}

const labels = (g: Groups) => g.option_groups.map((x) => x.label.text);
const values = (g: Groups) => g.option_groups.flatMap((x) => x.options.map((o) => o.value));
const replies = (svc: TestService, t: Thread) => svc.slack.of('chat.postMessage', t.ch).filter((c) => c.args.thread_ts === t.ts);
const updates = (svc: TestService, t: Thread) => svc.slack.of('chat.update', t.ch).filter((c) => c.args.ts === t.ts);
const issuePath = (t: Thread) => `/api/0/organizations/${t.org}/issues/${t.gid}/`;

function listed(org: string) {
  const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };
  return [
    nock(SENTRY, auth).get(`/api/0/organizations/${org}/members/`).query({ per_page: '100' }).once().reply(200, MEMBERS),
    nock(SENTRY, auth).get(`/api/0/organizations/${org}/teams/`).query({ per_page: '100' }).once().reply(200, TEAMS),
  ];
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe.each<StoreKind>(['sqlite', 'redis'])('assignee picker on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind, ENV);
  });
  afterAll(async () => svc?.stop());

  it('lists People, Teams and Unassign, then filters what was typed from the cache', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    const scopes = listed(org);
    const all = await options(svc, t, '');
    expect(labels(all)).toEqual(['People', 'Teams', 'Nobody']);
    expect(values(all)).toEqual(['user:4242', 'user:4343', 'team:7', 'team:8', 'unassign']);
    expect(all.option_groups[0]?.options[0]?.text.text).toBe('Mia Member (mia@example.com)');
    expect(all.option_groups[1]?.options[0]?.text.text).toBe('#mobile');
    expect(scopes.every((s) => s.isDone())).toBe(true);
    // Typing filters the cached lists: no second call to Sentry (nock allows one of each).
    expect(values(await options(svc, t, 'mia'))).toEqual(['user:4242']);
    expect(values(await options(svc, t, 'pay'))).toEqual(['team:8']);
    expect(values(await options(svc, t, 'BO@EXAMPLE'))).toEqual(['user:4343']);
    expect(values(await options(svc, t, 'zzz'))).toEqual([]);
  });

  it('answers nothing for a message of another team, and asks Sentry nothing', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    const scopes = listed(org);
    expect(await options(svc, t, '', 'T-OTHER')).toEqual({ option_groups: [] });
    expect(scopes.some((s) => s.isDone())).toBe(false);
  });

  it('answers nothing (not an error) when Sentry refuses the list', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    nock(SENTRY).get(`/api/0/organizations/${org}/members/`).query(true).reply(403, { detail: 'no' });
    nock(SENTRY).get(`/api/0/organizations/${org}/teams/`).query(true).reply(403, { detail: 'no' });
    const g = await options(svc, t, '');
    expect(values(g)).toEqual(['unassign']);
  });

  it('assigns the chosen member as user:<id> and names them in the thread and on the card', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    listed(org);
    await options(svc, t, '');
    const put = nock(SENTRY).put(issuePath(t), { assignedTo: 'user:4242' }).reply(200, {});
    await choose(svc, t, 'user:4242', 'Mia Member (mia@example.com)');
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(put.isDone()).toBe(true);
    // The picker knew Mia's email, so the channel's Slack user is mentioned (the fake Slack's id).
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Assigned to <@UMIA> by @jane/);
    expect(JSON.stringify(updates(svc, t)[0]?.args.blocks)).toContain('<@UMIA>');
  });

  it('names the chosen member in a channel with mentions off', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    await createChannelSettings(svc.t.store).update('T1', t.ch, { mention: 'off' });
    listed(org);
    await options(svc, t, '');
    nock(SENTRY).put(issuePath(t), { assignedTo: 'user:4343' }).reply(200, {});
    await choose(svc, t, 'user:4343', 'Bo Builder (bo@example.com)');
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Assigned to Bo Builder by @jane/);
    expect(JSON.stringify(updates(svc, t)[0]?.args.blocks)).toContain('Bo Builder');
  });

  it('assigns a team as team:<id>', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    const put = nock(SENTRY).put(issuePath(t), { assignedTo: 'team:7' }).reply(200, {});
    // No options request first: the name comes from the option the click carries.
    await choose(svc, t, 'team:7', '#mobile');
    await waitFor(() => replies(svc, t).length === 1, 10_000);
    expect(put.isDone()).toBe(true);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Assigned to .*#mobile/);
  });

  it('unassigns with assignedTo ""', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    const put = nock(SENTRY).put(issuePath(t), { assignedTo: '' }).reply(200, {});
    await choose(svc, t, 'unassign', 'Unassign');
    await waitFor(() => replies(svc, t).length === 1 && updates(svc, t).length === 1, 10_000);
    expect(put.isDone()).toBe(true);
    expect(String(replies(svc, t)[0]?.args.text)).toMatch(/Unassigned by @jane/);
    expect(JSON.stringify(updates(svc, t)[0]?.args.blocks)).toContain('Unassigned');
  });

  it('refuses a value that is not a member, team or unassign, and calls nothing', async () => {
    const org = `org${uniq()}`;
    const t = await newThread(svc, org);
    await choose(svc, t, 'user:../../admin', 'x');
    const eph = await waitFor(() => svc.slack.of('chat.postEphemeral', t.ch)[0], 10_000);
    expect(String(eph.args.text)).toContain('could not be read');
    expect(replies(svc, t)).toHaveLength(0);
  });
});
