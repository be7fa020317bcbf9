/**
 * Mentions through the real routes, on both stores: an assignment (webhook or picker) names the
 * Slack user found by email (`users.lookupByEmail`, cached), falls back to the name, and a channel
 * can turn it off with `/threadline settings --mention=off`. A Seer pull request mentions its
 * issue's assignee.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { randomInt, randomUUID } from 'node:crypto';
import { eventually, startService, SIGNING_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { postSigned, slashCommandBody } from '../helpers/slack.js';
import { validateMessage } from '../../templates/validate.js';
import { captureReply, within } from './harness.js';

type Payload = { action: string; data: Record<string, unknown> } & Record<string, unknown>;

function issue(groupId: string, action: string, assignedTo?: Record<string, unknown> | null): Payload {
  const p = readFixture('sentry/issue/created.json') as Payload;
  const data = p.data as { issue: Record<string, unknown> };
  const i: Record<string, unknown> = { ...data.issue, id: groupId };
  if (assignedTo !== undefined) i.assignedTo = assignedTo;
  return { ...p, action, data: { issue: i } };
}

const posts = (svc: TestService, ch: string) => svc.slack.of('chat.postMessage', ch);
const lookups = (svc: TestService, email: string) =>
  [...svc.slack.calls, ...svc.slack.failures].filter((c) => c.method === 'users.lookupByEmail' && c.args.email === email);

async function settings(svc: TestService, channelId: string, text: string) {
  const responseUrl = `https://hooks.slack.com/commands/T1/${randomInt(1e9)}/x`;
  const reply = captureReply(responseUrl);
  const res = await postSigned(
    `${svc.url}/slack/events`,
    slashCommandBody({ text, team_id: 'T1', channel_id: channelId, response_url: responseUrl }),
    { secret: SIGNING_SECRET },
  );
  expect(res.status).toBe(200);
  return within(reply, `the reply to ${text}`);
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe.each<StoreKind>(['redis', 'sqlite'])('mentions on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  async function thread() {
    const ch = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
    const gid = String(randomInt(1e9, 2e9));
    expect((await sendSentry(svc, 'issue', issue(gid, 'created'))).status).toBe(200);
    await eventually(() => posts(svc, ch).length === 1, 'the card');
    return { ch, gid };
  }

  /** Sends the issue's `action` webhook with a user as its assignee; Sentry's answer must be 200. */
  async function sendWithAssignee(gid: string, name: string, email: string, action = 'assigned', id = '4242') {
    expect((await sendSentry(svc, 'issue', issue(gid, action, { type: 'user', id, name, email }))).status).toBe(200);
  }

  it('an assignment mentions the Slack user with the assignee email, in the reply and on the card; the lookup is cached', async () => {
    const { ch, gid } = await thread();
    const email = `mia.${randomInt(1e6)}@example.com`;
    const id = `U${email
      .split('@')[0]
      ?.replace(/[^a-z0-9]/gi, '')
      .toUpperCase()}`;
    await sendWithAssignee(gid, 'Mia Member', email);
    await eventually(() => posts(svc, ch).length === 2, 'the reply');
    const reply = posts(svc, ch)[1]?.args as { text: string };
    expect(reply.text).toContain(`Assigned to <@${id}>`);
    expect(validateMessage(reply, { users: [id] })).toEqual([]);
    await eventually(() => svc.slack.of('chat.update', ch).length >= 1, 'the card update');
    expect(JSON.stringify(svc.slack.of('chat.update', ch).at(-1)?.args.blocks)).toContain(`<@${id}>`);
    // A later event of the thread renders the card again: no second lookup.
    await sendWithAssignee(gid, 'Mia Member', email, 'resolved');
    await eventually(() => posts(svc, ch).length === 3, 'the resolve reply');
    expect(lookups(svc, email)).toHaveLength(1);
  });

  it('falls back to the name when Slack has nobody with the email', async () => {
    const { ch, gid } = await thread();
    await sendWithAssignee(gid, 'Outside Olly', 'olly@unknown.example', 'assigned', '7');
    await eventually(() => posts(svc, ch).length === 2, 'the reply');
    const text = String(posts(svc, ch)[1]?.args.text);
    expect(text).toContain('Outside Olly');
    expect(text).not.toContain('<@');
  });

  it('/threadline settings --mention=off names the assignee instead; list shows it; on again mentions', async () => {
    const { ch, gid } = await thread();
    const saved = await settings(svc, ch, 'settings --mention=off');
    expect(saved.text).toContain('`--mention=off`');
    expect((await settings(svc, ch, 'list')).text).toContain('Channel settings');
    expect((await settings(svc, ch, 'settings')).text).toContain('`--mention=off`');
    await sendWithAssignee(gid, 'Mia Member', 'mia.off@example.com');
    await eventually(() => posts(svc, ch).length === 2, 'the reply');
    expect(String(posts(svc, ch)[1]?.args.text)).toContain('Mia Member');
    expect(String(posts(svc, ch)[1]?.args.text)).not.toContain('<@');

    await settings(svc, ch, 'settings --mention=on');
    await sendWithAssignee(gid, 'Mia Member', 'mia.off@example.com');
    await eventually(() => posts(svc, ch).length === 3, 'the second reply');
    expect(String(posts(svc, ch)[2]?.args.text)).toContain('<@UMIAOFF>');
  });

  it('a typo in settings is refused with the usage, and changes nothing', async () => {
    const ch = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    expect((await settings(svc, ch, 'settings --mention=maybe')).text).toContain('must be on or off');
    expect((await settings(svc, ch, 'settings --mentions=off')).text).toContain('Unknown setting');
    expect((await settings(svc, ch, 'settings')).text).toContain('`--mention=on`');
  });

  it("a Seer pull request mentions the issue's assignee from the issue's thread in the same channel", async () => {
    const { ch, gid } = await thread();
    await sendWithAssignee(gid, 'Mia Member', 'mia.seer@example.com');
    await eventually(() => posts(svc, ch).length === 2, 'the assign reply');
    const runId = randomInt(1e6, 2e6);
    for (const file of ['root_cause_started.json', 'pr_created.json']) {
      const p = readFixture(`sentry/seer/${file}`) as Payload;
      expect((await sendSentry(svc, 'seer', { ...p, data: { ...p.data, run_id: runId, group_id: Number(gid) } })).status).toBe(200);
    }
    await eventually(() => posts(svc, ch).length === 4, 'the Seer card and its PR reply');
    const pr = posts(svc, ch)[3]?.args as { text: string };
    expect(pr.text).toContain('<@UMIASEER>');
  });

  it('a Seer pull request of an issue with no thread here names nobody, and still posts', async () => {
    const ch = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId: ch, source: 'sentry', target: 'acme/*' });
    const gid = randomInt(1e9, 2e9);
    // The group's project is learned from an issue delivered to another channel's subscription.
    expect((await sendSentry(svc, 'issue', issue(String(gid), 'created'))).status).toBe(200);
    await eventually(() => posts(svc, ch).length === 1, 'the issue card');
    const runId = randomInt(2e6, 3e6);
    for (const file of ['root_cause_started.json', 'pr_created.json']) {
      const p = readFixture(`sentry/seer/${file}`) as Payload;
      expect((await sendSentry(svc, 'seer', { ...p, data: { ...p.data, run_id: runId, group_id: gid } })).status).toBe(200);
    }
    await eventually(() => posts(svc, ch).length === 3, 'the Seer posts');
    expect(String(posts(svc, ch)[2]?.args.text)).not.toContain('<@');
  });
});
