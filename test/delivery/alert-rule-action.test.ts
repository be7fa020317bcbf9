/**
 * Sentry's alert-rule action end to end through the real routes, on both stores: the editor's
 * options request and save-time validation (signed with Sentry-App-Signature, refused unsigned),
 * then alerts whose settings name a channel reach it threaded, once, with no subscription needed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SENTRY_SECRET, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { sentrySignature } from '../helpers/signing.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';

const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const VALIDATE = readFileSync(path.resolve(import.meta.dirname, '../sources/sentry/alert-rule-action/validate.json'));

/** The workspace's channels as `conversations.list` and `conversations.info` answer them. */
const CHANNELS = [
  { id: 'C0ALERTS', name: 'alerts', is_member: true, is_private: false },
  // Private and the bot is not in it: it cannot post there.
  { id: 'G0RANDOM', name: 'random', is_member: false, is_private: true },
  { id: 'C0OPS', name: 'ops', is_member: true, is_private: true },
  // Public: `chat:write.public` posts there without joining.
  { id: 'C0GENERAL', name: 'general', is_member: false, is_private: false },
  { id: 'C0OLD', name: 'old-alerts', is_member: true, is_private: false, is_archived: true },
];

function options(svc: TestService, query: Record<string, string>, signature?: string) {
  const headers: Record<string, string> = {};
  if (signature !== undefined) headers['sentry-app-signature'] = signature;
  return fetch(`${svc.url}/sentry/options/channels?${new URLSearchParams(query)}`, { headers });
}

/** `signature` null sends none; left out, the body is signed with the app's secret. */
function validate(svc: TestService, body: Buffer | string, signature: string | null = sentrySignature(body, SENTRY_SECRET)) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['sentry-app-signature'] = signature;
  return fetch(`${svc.url}/sentry/alert-rule-action`, { method: 'POST', body, headers });
}

const withChannel = (channel: string) =>
  JSON.stringify({
    fields: [
      { name: 'channel', value: channel },
      { name: 'mention', value: 'none' },
      { name: 'thread', value: 'on' },
    ],
    installationId: UUID,
  });

type Payload = { data: Record<string, unknown> } & Record<string, unknown>;

/** The settings fixture for a fresh issue (its own thread); `set` replaces settings by name. */
function eventAlert(groupId: number, channel?: string, set: Record<string, string> = {}): Payload {
  const p = readFixture('sentry/event_alert/triggered.threadline.json') as Payload;
  const data = p.data as { event: Record<string, unknown>; issue_alert: { settings: { name: string; value: string }[] } };
  const event = { ...data.event, issue_id: String(groupId), web_url: `https://sentry.io/organizations/acme/issues/${groupId}/events/x/` };
  const values: Record<string, string> = { ...(channel ? { channel } : {}), ...set };
  const settings = data.issue_alert.settings.map((s) => (s.name in values ? { ...s, value: values[s.name] } : s));
  return { ...p, data: { ...data, event, issue_alert: { ...data.issue_alert, settings } } };
}

/** The first block's text of a posted message (Slack's Web API sends `blocks` as JSON). */
function firstBlockText(call: { args: Record<string, unknown> } | undefined): string | undefined {
  const raw = call?.args.blocks;
  const blocks = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { text?: { text?: string } }[] | undefined;
  return blocks?.[0]?.text?.text;
}

function metricAlert(file: string, incidentId: number): Payload {
  const p = readFixture(`sentry/metric_alert/${file}`) as Payload;
  const data = p.data as { metric_alert: Record<string, unknown> };
  return { ...p, data: { ...data, metric_alert: { ...data.metric_alert, id: String(incidentId) } } };
}

describe.each<StoreKind>(['redis', 'sqlite'])('alert-rule action on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
    svc.slack.answer = (call) => {
      if (call.method === 'conversations.list') return { channels: CHANNELS, response_metadata: { next_cursor: '' } };
      if (call.method === 'conversations.info') {
        const c = CHANNELS.find((x) => x.id === call.args.channel);
        return c ? { channel: c } : undefined;
      }
      return undefined;
    };
  });
  afterAll(async () => svc?.stop());

  it('refuses options and validation requests without a good Sentry-App-Signature (401)', async () => {
    expect((await options(svc, { installationId: UUID })).status).toBe(401);
    expect((await options(svc, { installationId: UUID }, sentrySignature('', 'another-secret'))).status).toBe(401);
    expect((await validate(svc, VALIDATE, null)).status).toBe(401);
    expect((await validate(svc, VALIDATE, sentrySignature(VALIDATE, 'another-secret'))).status).toBe(401);
    // Signed over another body: the signature vouches for the body it was made over only.
    expect((await validate(svc, VALIDATE, sentrySignature(withChannel('C0OPS'), SENTRY_SECRET))).status).toBe(401);
  });

  it('lists the channels the bot can post to, by name, searchable, as <team>:<channel>', async () => {
    const sig = sentrySignature('', SENTRY_SECRET);
    const all = await options(svc, { installationId: UUID, projectSlug: 'mobile-app' }, sig);
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual([
      { label: '#alerts', value: 'T1:C0ALERTS' },
      { label: '#general', value: 'T1:C0GENERAL' },
      { label: '#ops', value: 'T1:C0OPS' },
    ]);
    const some = await options(svc, { installationId: UUID, query: 'ALE' }, sig);
    expect(await some.json()).toEqual([{ label: '#alerts', value: 'T1:C0ALERTS' }]);
  });

  it('validates the settings when the rule is saved: 200, or 400 with a sentence', async () => {
    expect((await validate(svc, VALIDATE)).status).toBe(200);
    // A bare channel id is accepted with one workspace.
    expect((await validate(svc, withChannel('C0OPS'))).status).toBe(200);
    expect((await validate(svc, withChannel('T1:C0GENERAL'))).status).toBe(200);
    const notIn = await validate(svc, withChannel('T1:G0RANDOM'));
    expect(notIn.status).toBe(400);
    expect(await notIn.json()).toEqual({ message: 'Threadline is not in #random: /invite @Threadline' });
    const archived = await validate(svc, withChannel('T1:C0OLD'));
    expect(archived.status).toBe(400);
    expect(((await archived.json()) as { message: string }).message).toContain('#old-alerts is archived');
    const otherTeam = await validate(svc, withChannel('T9:C0ALERTS'));
    expect(otherTeam.status).toBe(400);
    const noChannel = await validate(svc, JSON.stringify({ fields: [], installationId: UUID }));
    expect(await noChannel.json()).toEqual({ message: 'Choose a Slack channel for Threadline to post to.' });
    const badMention = await validate(
      svc,
      JSON.stringify({
        fields: [
          { name: 'channel', value: 'T1:C0ALERTS' },
          { name: 'mention', value: 'everyone!' },
        ],
        installationId: UUID,
      }),
    );
    expect(badMention.status).toBe(400);
  });

  it('an event_alert with settings reaches the chosen channel, threaded, once (also when a subscription matches)', async () => {
    const groupId = randomInt(1e9, 2e9);
    // A subscription of the same channel matches too: the channel still gets each alert once.
    await subscribe(svc, { channelId: 'C0ALERTS', source: 'sentry', target: 'acme/*' });
    const before = svc.slack.of('chat.postMessage', 'C0ALERTS').length;
    expect((await sendSentry(svc, 'event_alert', eventAlert(groupId))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0ALERTS').length >= before + 1, 'the card');
    expect((await sendSentry(svc, 'event_alert', eventAlert(groupId))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0ALERTS').length >= before + 2, 'the second alert');
    const thread = await svc.t.store.getThread('T1', 'C0ALERTS', sentryThreadKeys.issue(String(groupId)));
    expect(thread?.ts).toBeTruthy();
    const posts = svc.slack.of('chat.postMessage', 'C0ALERTS').slice(before);
    expect(posts).toHaveLength(2);
    expect(posts[0]?.args.thread_ts).toBeUndefined();
    expect(posts[1]?.args.thread_ts).toBe(thread?.ts);
  });

  it('goes to the chosen channel with no subscription at all, and nowhere else', async () => {
    const groupId = randomInt(1e9, 2e9);
    const before = svc.slack.calls.filter((c) => c.method === 'chat.postMessage').length;
    expect((await sendSentry(svc, 'event_alert', eventAlert(groupId, 'C0OPS'))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0OPS').length >= 1, 'the alert in #ops');
    const since = svc.slack.calls.filter((c) => c.method === 'chat.postMessage').slice(before);
    // #alerts is subscribed to acme/* (previous test): it gets it too, once; no other channel does.
    await eventually(
      () => svc.slack.calls.filter((c) => c.method === 'chat.postMessage').length - before >= 2,
      'the subscribed channel too',
    );
    const channels = svc.slack.calls
      .filter((c) => c.method === 'chat.postMessage')
      .slice(before)
      .map((c) => c.args.channel);
    expect(new Set(channels)).toEqual(new Set(['C0OPS', 'C0ALERTS']));
    expect(since.length).toBeGreaterThan(0);
  });

  it("a metric alert goes to its trigger's channel; a resolve to every trigger's", async () => {
    const incident = randomInt(1e6, 2e6);
    expect((await sendSentry(svc, 'metric_alert', metricAlert('critical.threadline.json', incident))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0CRIT').length === 1, 'the critical alert');
    expect(svc.slack.of('chat.postMessage', 'C0WARN')).toHaveLength(0);
    expect((await sendSentry(svc, 'metric_alert', metricAlert('resolved.threadline.json', incident))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0WARN').length === 1, 'the resolve in the warning channel');
    await eventually(
      () => svc.slack.of('chat.postMessage', 'C0CRIT').length + svc.slack.of('chat.update', 'C0CRIT').length >= 2,
      'the resolve in the critical thread',
    );
    const thread = await svc.t.store.getThread('T1', 'C0CRIT', sentryThreadKeys.metricAlert(String(incident)));
    const crit = svc.slack.of('chat.postMessage', 'C0CRIT');
    expect(crit[0]?.args.thread_ts).toBeUndefined();
    for (const reply of crit.slice(1)) expect(reply.args.thread_ts).toBe(thread?.ts);
  });

  it('mention: the alert starts with @here in the channel that set it (parent and replies), and nowhere else', async () => {
    const groupId = randomInt(1e9, 2e9);
    const alert = () => eventAlert(groupId, 'T1:C0MENTION', { mention: '@here' });
    const beforeAlerts = svc.slack.of('chat.postMessage', 'C0ALERTS').length;
    expect((await sendSentry(svc, 'event_alert', alert())).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0MENTION').length === 1, 'the alert in #mention');
    expect((await sendSentry(svc, 'event_alert', alert())).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0MENTION').length === 2, 'the second alert');
    const [parent, reply] = svc.slack.of('chat.postMessage', 'C0MENTION');
    for (const post of [parent, reply]) {
      expect(String(post?.args.text).startsWith('<!here> ')).toBe(true);
      expect(firstBlockText(post)).toBe('<!here>');
    }
    expect(reply?.args.thread_ts).toBe((await svc.t.store.getThread('T1', 'C0MENTION', sentryThreadKeys.issue(String(groupId))))?.ts);
    // #alerts (subscribed to acme/*) gets the same alerts without the mention: it is #mention's setting.
    await eventually(() => svc.slack.of('chat.postMessage', 'C0ALERTS').length >= beforeAlerts + 2, 'the subscribed channel');
    for (const post of svc.slack.of('chat.postMessage', 'C0ALERTS').slice(beforeAlerts)) {
      expect(String(post.args.text)).not.toContain('<!here>');
      expect(JSON.stringify(post.args.blocks)).not.toContain('<!here>');
    }
  });

  it("mention: a user group from a metric alert trigger's action; a subscribed channel the rule chose gets it too", async () => {
    const incident = randomInt(1e6, 2e6);
    const p = metricAlert('critical.threadline.json', incident);
    const rule = (p.data.metric_alert as { alert_rule: { triggers: { label: string; actions: { settings?: unknown[] }[] }[] } }).alert_rule;
    const critical = rule.triggers.find((t) => t.label === 'critical');
    critical!.actions[0].settings = [
      { name: 'channel', value: 'T1:C0ALERTS' },
      { name: 'mention', value: '<!subteam^S0ONCALL|oncall>' },
    ];
    const before = svc.slack.of('chat.postMessage', 'C0ALERTS').length;
    expect((await sendSentry(svc, 'metric_alert', p)).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0ALERTS').length === before + 1, 'the alert in #alerts');
    const post = svc.slack.of('chat.postMessage', 'C0ALERTS')[before];
    expect(String(post?.args.text).startsWith('<!subteam^S0ONCALL> ')).toBe(true);
    expect(firstBlockText(post)).toBe('<!subteam^S0ONCALL>');
  });

  it('a mention that is not a user group id is never sent', async () => {
    const groupId = randomInt(1e9, 2e9);
    expect((await sendSentry(svc, 'event_alert', eventAlert(groupId, 'T1:C0BADMENTION', { mention: '<!channel>' }))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0BADMENTION').length === 1, 'the alert');
    const post = svc.slack.of('chat.postMessage', 'C0BADMENTION')[0];
    expect(String(post?.args.text)).not.toContain('<!');
  });

  it('thread=off: each alert is its own message in that channel, while #alerts keeps its thread', async () => {
    const groupId = randomInt(1e9, 2e9);
    const alert = () => eventAlert(groupId, 'T1:C0OWN', { thread: 'off' });
    const beforeAlerts = svc.slack.of('chat.postMessage', 'C0ALERTS').length;
    expect((await sendSentry(svc, 'event_alert', alert())).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0OWN').length === 1, 'the first alert');
    expect((await sendSentry(svc, 'event_alert', alert())).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0OWN').length === 2, 'the second alert');
    const own = svc.slack.of('chat.postMessage', 'C0OWN');
    expect(own.every((post) => post.args.thread_ts === undefined)).toBe(true);
    expect(svc.slack.of('chat.update', 'C0OWN')).toHaveLength(0);
    await eventually(() => svc.slack.of('chat.postMessage', 'C0ALERTS').length >= beforeAlerts + 2, 'the subscribed channel');
    const inAlerts = svc.slack.of('chat.postMessage', 'C0ALERTS').slice(beforeAlerts);
    expect(inAlerts[1]?.args.thread_ts).toBeDefined();
  });
});
