/**
 * `/threadline settings --threads --broadcast` applied by delivery, through the real webhook route,
 * on both stores: threads off posts every event as its own message (the card, current);
 * broadcast sends regressions, critical alerts, or every reply to the channel too.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { createChannelSettings } from '../../src/slack/settings.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';

type Payload = { data: Record<string, unknown> } & Record<string, unknown>;

function issue(file: string, groupId: number): Payload {
  const p = readFixture(`sentry/issue/${file}`) as Payload;
  const data = p.data as { issue: Record<string, unknown> };
  return { ...p, data: { ...data, issue: { ...data.issue, id: String(groupId) } } };
}

function metric(file: string, incident: number): Payload {
  const p = readFixture(`sentry/metric_alert/${file}`) as Payload;
  const data = p.data as { metric_alert: Record<string, unknown> };
  return { ...p, data: { ...data, metric_alert: { ...data.metric_alert, id: String(incident) } } };
}

/** Whether Slack was asked to broadcast the reply (the Web API sends it form-encoded). */
const broadcast = (call: { args: Record<string, unknown> } | undefined) => String(call?.args.reply_broadcast) === 'true';

const newChannel = () => `C${randomUUID().slice(0, 8).toUpperCase()}`;

describe.each<StoreKind>(['redis', 'sqlite'])('thread control on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  async function channelWith(settings: Parameters<ReturnType<typeof createChannelSettings>['update']>[2]): Promise<string> {
    const channelId = newChannel();
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/*' });
    await createChannelSettings(svc.t.store).update('T1', channelId, settings);
    return channelId;
  }

  async function send(channelId: string, resource: string, p: Payload, total: number) {
    expect((await sendSentry(svc, resource, p)).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === total, `post ${total} in ${channelId}`);
  }

  it('--threads=off: every event its own message, the card current; buttons act on the newest', async () => {
    const channelId = await channelWith({ threads: 'off' });
    const groupId = randomInt(1e9, 2e9);
    await send(channelId, 'issue', issue('created.json', groupId), 1);
    await send(channelId, 'issue', issue('resolved.json', groupId), 2);
    const posts = svc.slack.of('chat.postMessage', channelId);
    expect(posts.every((p) => p.args.thread_ts === undefined)).toBe(true);
    expect(svc.slack.of('chat.update', channelId)).toHaveLength(0);
    expect(JSON.stringify(posts[1]?.args.blocks)).toMatch(/[Rr]esolved/);
    const rec = await svc.t.store.getThread('T1', channelId, sentryThreadKeys.issue(String(groupId)));
    expect(rec?.ts).toBeTruthy();
  });

  it('--threads=on (the default) still threads', async () => {
    const channelId = await channelWith({});
    const groupId = randomInt(1e9, 2e9);
    await send(channelId, 'issue', issue('created.json', groupId), 1);
    await send(channelId, 'issue', issue('resolved.json', groupId), 2);
    expect(svc.slack.of('chat.postMessage', channelId)[1]?.args.thread_ts).toBeDefined();
  });

  it('--broadcast=regressions: a regression reply goes to the channel too, a resolve does not', async () => {
    const channelId = await channelWith({ broadcast: 'regressions' });
    const groupId = randomInt(1e9, 2e9);
    await send(channelId, 'issue', issue('created.json', groupId), 1);
    await send(channelId, 'issue', issue('resolved.json', groupId), 2);
    await send(channelId, 'issue', issue('unresolved.json', groupId), 3);
    const [, resolved, regressed] = svc.slack.of('chat.postMessage', channelId);
    expect(broadcast(resolved)).toBe(false);
    expect(regressed?.args.thread_ts).toBeDefined();
    expect(broadcast(regressed)).toBe(true);
  });

  it('--broadcast=critical: a critical metric alert reply is broadcast, a resolve is not; off broadcasts nothing', async () => {
    const channelId = await channelWith({ broadcast: 'critical' });
    const incident = randomInt(1e6, 2e6);
    await send(channelId, 'metric_alert', metric('warning.json', incident), 1);
    await send(channelId, 'metric_alert', metric('critical.json', incident), 2);
    await send(channelId, 'metric_alert', metric('resolved.json', incident), 3);
    const [, critical, resolved] = svc.slack.of('chat.postMessage', channelId);
    expect(broadcast(critical)).toBe(true);
    expect(broadcast(resolved)).toBe(false);

    const quiet = await channelWith({ broadcast: 'off' });
    const other = randomInt(1e6, 2e6);
    await send(quiet, 'metric_alert', metric('warning.json', other), 1);
    await send(quiet, 'metric_alert', metric('critical.json', other), 2);
    expect(broadcast(svc.slack.of('chat.postMessage', quiet)[1])).toBe(false);
  });

  it('--broadcast=all: every reply is broadcast', async () => {
    const channelId = await channelWith({ broadcast: 'all' });
    const groupId = randomInt(1e9, 2e9);
    await send(channelId, 'issue', issue('created.json', groupId), 1);
    await send(channelId, 'issue', issue('resolved.json', groupId), 2);
    expect(broadcast(svc.slack.of('chat.postMessage', channelId)[1])).toBe(true);
  });
});
