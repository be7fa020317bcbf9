/**
 * `/threadline settings --new-thread-after=<days>` through the real webhook route, on both stores:
 * a regression that long after the resolve starts a new thread (the key's next generation) whose
 * first reply links the old one; later events go to the new thread; sooner, it continues the old.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { createChannelSettings, type ChannelSettings } from '../../src/slack/settings.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';

type Payload = { data: Record<string, unknown> } & Record<string, unknown>;

function issue(file: string, groupId: number): Payload {
  const p = readFixture(`sentry/issue/${file}`) as Payload;
  const data = p.data as { issue: Record<string, unknown> };
  return { ...p, data: { ...data, issue: { ...data.issue, id: String(groupId) } } };
}

describe.each<StoreKind>(['redis', 'sqlite'])('--new-thread-after on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
    svc.slack.answer = (call) =>
      call.method === 'chat.getPermalink'
        ? { permalink: `https://acme.slack.com/archives/${String(call.args.channel)}/p${String(call.args.message_ts).replace('.', '')}` }
        : undefined;
  });
  afterAll(async () => svc?.stop());

  async function channelWith(settings: ChannelSettings): Promise<string> {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/*' });
    await createChannelSettings(svc.t.store).update('T1', channelId, settings);
    return channelId;
  }

  async function send(channelId: string, p: Payload, total: number) {
    expect((await sendSentry(svc, 'issue', p)).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === total, `post ${total} in ${channelId}`);
  }

  /** Created, then resolved, its resolve dated `resolvedAt` (as if long ago). */
  async function resolvedIssue(channelId: string, groupId: number, resolvedAt?: string) {
    await send(channelId, issue('created.json', groupId), 1);
    await send(channelId, issue('resolved.json', groupId), 2);
    const key = sentryThreadKeys.issue(String(groupId));
    const rec = await svc.t.store.getThread('T1', channelId, key);
    expect(rec?.stateTimes.status).toBeDefined();
    if (resolvedAt) await svc.t.store.updateThread('T1', channelId, key, { stateTimes: { ...rec!.stateTimes, status: resolvedAt } });
    return { key, parentTs: rec!.ts };
  }

  it('a regression long after the resolve starts a new thread whose first reply links the old one', async () => {
    const channelId = await channelWith({ 'new-thread-after': 30 });
    const groupId = randomInt(1e9, 2e9);
    const old = await resolvedIssue(channelId, groupId, '2000-01-01T00:00:00.000Z');
    await send(channelId, issue('unresolved.json', groupId), 4);
    const posts = svc.slack.of('chat.postMessage', channelId);
    const [, , parent, link] = posts;
    expect(parent?.args.thread_ts).toBeUndefined();
    const fresh = await svc.t.store.getThread('T1', channelId, `${old.key}#1`);
    expect(fresh?.ts).toBeTruthy();
    expect(fresh?.ts).not.toBe(old.parentTs);
    expect(link?.args.thread_ts).toBe(fresh?.ts);
    expect(String(link?.args.text)).toContain(`/archives/${channelId}/p${String(old.parentTs).replace('.', '')}`);
    expect(svc.slack.of('chat.getPermalink').some((c) => c.args.message_ts === old.parentTs)).toBe(true);
    // The old thread keeps its one parent; the next event goes to the new thread.
    await send(channelId, issue('resolved.json', groupId), 5);
    expect(svc.slack.of('chat.postMessage', channelId)[4]?.args.thread_ts).toBe(fresh?.ts);
  });

  it('a regression sooner than that, or with the setting off, continues the old thread', async () => {
    for (const settings of [{ 'new-thread-after': 3650 }, {}] as ChannelSettings[]) {
      const channelId = await channelWith(settings);
      const groupId = randomInt(1e9, 2e9);
      const old = await resolvedIssue(channelId, groupId, settings['new-thread-after'] ? undefined : '2000-01-01T00:00:00.000Z');
      await send(channelId, issue('unresolved.json', groupId), 3);
      expect(svc.slack.of('chat.postMessage', channelId)[2]?.args.thread_ts).toBe(old.parentTs);
      expect(await svc.t.store.getThread('T1', channelId, `${old.key}#1`)).toBeNull();
    }
  });
});
