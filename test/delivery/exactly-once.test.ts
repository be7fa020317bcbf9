/**
 * A post whose answer never came (Slack did post, the client timed out): the rerun looks for its
 * own message by the event id in its metadata and adopts it instead of posting again, within the
 * workspace's lookup budget and where the token has the history scopes.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import type { Fault, SlackCall } from '../helpers/fake-slack.js';

function issue(groupId: string, action: string, status = 'unresolved'): Record<string, unknown> {
  const p = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } } & Record<string, unknown>;
  return { ...p, action, data: { ...p.data, issue: { ...p.data.issue, id: groupId, status } } };
}

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' } };
}

const posts = (svc: TestService, channel: string) => svc.slack.of('chat.postMessage', channel);
const metric = async (svc: TestService, result: string) =>
  Number(
    new RegExp(`^threadline_slack_lookups_total\\{result="${result}"\\} (\\S+)$`, 'm').exec(
      await (await fetch(`${svc.url}/metrics`)).text(),
    )?.[1] ?? 0,
  );

/** The first chat.postMessage into `channel` is posted, but its answer never comes. */
function timeoutAfterFirstPost(channel: string, extra?: (c: SlackCall) => Fault | undefined) {
  let done = false;
  return (c: SlackCall): Fault | undefined => {
    if (c.method === 'chat.postMessage' && c.args.channel === channel && !done) {
      done = true;
      return { acceptThenHang: true };
    }
    return extra?.(c);
  };
}

describe.each<StoreKind>(['redis', 'sqlite'])('exactly once to Slack on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind, { SLACK_LOOKUPS_PER_MINUTE: '1' }, { slackTimeoutMs: 1000 });
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());
  afterEach(() => {
    svc.slack.fault = undefined;
  });

  const channelOf = async (teamId: string) => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { teamId, channelId, source: 'sentry', target: 'acme/mobile-app' });
    return channelId;
  };
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  it('adopts a parent Slack posted although the answer timed out', async () => {
    const ch = await channelOf('TONCE1');
    svc.slack.fault = timeoutAfterFirstPost(ch);
    const gid = String(Date.now());
    await sendSentry(svc, 'issue', issue(gid, 'created'));
    await eventually(
      async () => Boolean((await svc.t.store.getThread('TONCE1', ch, `sentry:issue:${gid}`))?.ts),
      'parent recorded',
      20_000,
    );
    await settle();
    expect(posts(svc, ch)).toHaveLength(1);
    expect(svc.slack.of('conversations.history', ch)).toHaveLength(1);
    expect((await svc.t.store.getThread('TONCE1', ch, `sentry:issue:${gid}`))?.ts).toBe(svc.slack.messages.get(ch)?.[0]?.ts);
  });

  it('adopts a reply, found with conversations.replies in its thread', async () => {
    const ch = await channelOf('TONCE2');
    const gid = String(Date.now() + 1);
    await sendSentry(svc, 'comment', comment(gid, 'first'));
    await eventually(() => posts(svc, ch).length === 1, 'parent');
    svc.slack.fault = timeoutAfterFirstPost(ch);
    await sendSentry(svc, 'comment', comment(gid, 'second'));
    await eventually(() => svc.slack.of('conversations.replies', ch).length === 1, 'looked in the thread', 20_000);
    await settle();
    expect(posts(svc, ch)).toHaveLength(2);
    const [parent, reply] = svc.slack.messages.get(ch) ?? [];
    expect(reply?.thread_ts).toBe(parent?.ts);
    expect(svc.slack.of('conversations.replies', ch)[0]?.args.ts).toBe(parent?.ts);
  });

  it('posts again, and counts it, when the workspace is over its lookup budget', async () => {
    const ch = await channelOf('TONCE3');
    const before = await metric(svc, 'fallback_budget');
    let hung = 0;
    svc.slack.fault = (c) =>
      c.method === 'chat.postMessage' && c.args.channel === ch && hung++ < 2 ? { acceptThenHang: true } : undefined;
    await sendSentry(svc, 'issue', issue(String(Date.now() + 2), 'created'));
    await sendSentry(svc, 'issue', issue(String(Date.now() + 3), 'created'));
    // One lookup a minute: the first rerun adopts its message, the second posts again.
    await eventually(async () => (await metric(svc, 'fallback_budget')) > before, 'a fallback counted', 20_000);
    await eventually(() => posts(svc, ch).length === 3, 'posted again', 20_000);
    await settle();
    expect(posts(svc, ch)).toHaveLength(3);
    expect(svc.slack.of('conversations.history', ch)).toHaveLength(1);
  });

  it('without the history scopes, says so once in the log and posts again', async () => {
    const ch = await channelOf('TONCE4');
    let hung = 0;
    svc.slack.fault = (c) => {
      if (c.method === 'conversations.history') return { error: 'missing_scope' };
      return c.method === 'chat.postMessage' && c.args.channel === ch && hung++ < 2 ? { acceptThenHang: true } : undefined;
    };
    await sendSentry(svc, 'issue', issue(String(Date.now() + 4), 'created'));
    await eventually(() => posts(svc, ch).length === 2, 'posted again', 20_000);
    await sendSentry(svc, 'issue', issue(String(Date.now() + 5), 'created'));
    await eventually(() => posts(svc, ch).length === 4, 'posted again', 20_000);
    await settle();
    const warnings = svc.logLines().filter((l) => String(l.msg).includes('lacks channels:history') && l.teamId === 'TONCE4');
    expect(warnings).toHaveLength(1);
    expect(svc.slack.failures.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
  });
});
