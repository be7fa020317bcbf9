import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';

const ORG_PROJECT = 'acme/mobile-app';

/** An issue payload of the fixture's shape for a fresh group id, with the given action. */
function issue(groupId: string, action: string, status = 'unresolved'): Record<string, unknown> {
  const p = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } } & Record<string, unknown>;
  return { ...p, action, data: { ...p.data, issue: { ...p.data.issue, id: groupId, status } } };
}

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  const data = { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' };
  return { ...p, data };
}

/**
 * Pacing, checked so that a busy machine cannot fail it: the n-th post to a channel takes the n-th
 * slot, `interval` ms after the one before, starting no earlier than the burst was sent. A slow
 * machine only makes posts later; one sent before its slot arrives too early and fails. (Gaps
 * between arrivals are no proof: a delay of the earlier arrival shrinks them.) The 5 ms allow for
 * the slot clock (Redis TIME) being read with a rounding apart from Date.now.
 */
function notBeforeSlots(sentAt: number, interval: number, n: number) {
  return Array.from({ length: n }, (_, i) => expect.toSatisfy((at: number) => at >= sentAt + i * interval - 5, `not before slot ${i}`));
}

const posts = (svc: TestService, channel: string) => svc.slack.of('chat.postMessage', channel);
const parents = (svc: TestService, channel: string) => posts(svc, channel).filter((c) => !c.args.thread_ts);
const replies = (svc: TestService, channel: string) => posts(svc, channel).filter((c) => c.args.thread_ts);

describe.each<StoreKind>(['redis', 'sqlite'])('threaded delivery on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    // No waiting out Slack outages and no own-message lookups (so the client retries posts itself)
    // here: these tests pin what happens once a failure is final (test/delivery/outage.test.ts and
    // exactly-once.test.ts cover the waiting and the lookups).
    svc = await startService(kind, { SLACK_OUTAGE_MAX_MS: '0', SLACK_LOOKUPS_PER_MINUTE: '0' });
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());
  afterEach(() => {
    svc.slack.fault = undefined;
  });

  const newChannel = async (target = ORG_PROJECT) => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target });
    return channelId;
  };

  it('posts the parent, then replies with its thread_ts and updates the parent', async () => {
    const ch = await newChannel();
    const gid = String(Date.now());
    expect((await sendSentry(svc, 'issue', issue(gid, 'created'))).status).toBe(200);
    await eventually(() => parents(svc, ch).length === 1, 'parent posted');
    expect((await sendSentry(svc, 'issue', issue(gid, 'resolved', 'resolved'))).status).toBe(200);
    await eventually(() => replies(svc, ch).length === 1 && svc.slack.of('chat.update', ch).length === 1, 'reply and update');
    // The record is written after Slack answered the update: wait for it, as a reader would.
    await eventually(
      async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.state.status === 'resolved',
      'thread record resolved',
    );
    const parent = parents(svc, ch)[0];
    const parentTs = (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.ts;
    expect(parentTs).toBeTruthy();
    expect(replies(svc, ch)[0]?.args.thread_ts).toBe(parentTs);
    expect(svc.slack.of('chat.update', ch)[0]?.args.ts).toBe(parentTs);
    expect(parent?.args.text).toBeTruthy();
    const rec = await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`);
    expect(rec?.state.status).toBe('resolved');
  });

  it('gives one parent when 20 events of a new thread arrive together', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 1);
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => sendSentry(svc, 'comment', comment(gid, `c${i}`))));
    expect(sent.every((r) => r.status === 200)).toBe(true);
    await eventually(() => posts(svc, ch).length === 20, '20 posts', 20_000);
    expect(parents(svc, ch)).toHaveLength(1);
    expect(replies(svc, ch)).toHaveLength(19);
  });

  it('keeps the order of a thread', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 2);
    for (let i = 0; i < 8; i++) expect((await sendSentry(svc, 'comment', comment(gid, `ordered-${i}`))).status).toBe(200);
    await eventually(() => posts(svc, ch).length === 8, '8 posts', 20_000);
    // The first comment posts the parent (a card about the issue); the others reply in send order.
    expect(posts(svc, ch)[0]?.args.thread_ts).toBeUndefined();
    const order = replies(svc, ch).map((c) => Number(/ordered-(\d)/.exec(JSON.stringify(c.args))?.[1]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('does not roll the parent back for an older event that arrives late', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 3);
    const now = Math.floor(Date.now() / 1000);
    await sendSentry(svc, 'issue', issue(gid, 'created'), { timestamp: now - 100 });
    await sendSentry(svc, 'issue', issue(gid, 'resolved', 'resolved'), { timestamp: now });
    await sendSentry(svc, 'issue', issue(gid, 'unresolved', 'unresolved'), { timestamp: now - 50 });
    await eventually(() => posts(svc, ch).length === 3, 'three posts');
    const rec = await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`);
    expect(rec?.state.status).toBe('resolved');
    const lastUpdate = svc.slack.of('chat.update', ch).at(-1);
    expect(JSON.stringify(lastUpdate?.args)).toMatch(/[Rr]esolved/);
  });

  it('waits for Retry-After on 429 and posts once', async () => {
    const ch = await newChannel();
    let limited = 0;
    svc.slack.fault = (c) =>
      c.method === 'chat.postMessage' && c.args.channel === ch && limited++ === 0 ? { status: 429, retryAfter: 1 } : undefined;
    await sendSentry(svc, 'issue', issue(String(Date.now() + 4), 'created'));
    await eventually(() => posts(svc, ch).length === 1, 'posted after the rate limit');
    expect(limited).toBeGreaterThanOrEqual(2);
  });

  it('retries 5xx and then dead-letters the delivery', async () => {
    const ch = await newChannel();
    let attempts = 0;
    svc.slack.fault = (c) => (c.args.channel === ch ? (attempts++, { status: 503 }) : undefined);
    await sendSentry(svc, 'issue', issue(String(Date.now() + 5), 'created'));
    await eventually(async () => (await svc.t.store.listDeadLetters(100, { teamId: 'T1' })).some((d) => d.channelId === ch), 'dead letter');
    expect(attempts).toBe(3); // the first call and the client's two retries
    const dl = (await svc.t.store.listDeadLetters(100, { teamId: 'T1' })).find((d) => d.channelId === ch);
    expect(dl?.reason).toBe('slack_http_503');
    expect(dl?.job).toBeTruthy();
    expect(posts(svc, ch)).toHaveLength(0);
  });

  it('retries a dead letter into the same thread, once, and forgets it', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 13);
    await sendSentry(svc, 'issue', issue(gid, 'created'));
    await eventually(() => parents(svc, ch).length === 1, 'parent');
    svc.slack.fault = (c) => (c.args.channel === ch ? { status: 500 } : undefined);
    await sendSentry(svc, 'issue', issue(gid, 'resolved', 'resolved'));
    const dl = await (async () => {
      let found;
      await eventually(
        async () => Boolean((found = (await svc.t.store.listDeadLetters(200, { teamId: 'T1' })).find((d) => d.channelId === ch))),
        'dead letter',
      );
      return found as unknown as { id: string };
    })();
    svc.slack.fault = undefined;
    await svc.t.requeueDeadLetter(dl.id, 'T1');
    await eventually(() => replies(svc, ch).length === 1, 'reply after retry');
    expect(replies(svc, ch)[0]?.args.thread_ts).toBe((await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.ts);
    expect(await svc.t.store.getDeadLetter(dl.id)).toBeNull();
    await expect(svc.t.requeueDeadLetter(dl.id, 'T1')).rejects.toThrow('not_found');
    await new Promise((r) => setTimeout(r, 200));
    expect(parents(svc, ch)).toHaveLength(1);
    expect(replies(svc, ch)).toHaveLength(1);
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'missing_scope'])(
    'disables the subscription on %s and does not retry',
    async (error) => {
      const ch = await newChannel();
      let calls = 0;
      svc.slack.fault = (c) => (c.args.channel === ch ? (calls++, { error }) : undefined);
      await sendSentry(svc, 'issue', issue(String(Date.now()) + error.length, 'created'));
      await eventually(
        async () => (await svc.t.store.listSubscriptions({ teamId: 'T1', channelId: ch }))[0]?.disabled?.reason === error,
        'disabled',
      );
      expect(calls).toBe(1);
      // Team-wide token errors disable the team's other subscriptions too; re-enable them for later tests.
      for (const s of await svc.t.store.listSubscriptions({ teamId: 'T1' }))
        if (s.channelId !== ch) await svc.t.store.setSubscriptionDisabled(s.id, null);
    },
  );

  it('lets the next event post the parent after a permanent error freed the thread', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 9);
    svc.slack.fault = (c) => (c.args.channel === ch ? { error: 'not_in_channel' } : undefined);
    await sendSentry(svc, 'issue', issue(gid, 'created'));
    await eventually(async () => Boolean((await svc.t.store.listSubscriptions({ teamId: 'T1', channelId: ch }))[0]?.disabled), 'disabled');
    // The bot is invited again and the subscription re-enabled: the next event opens the thread.
    svc.slack.fault = undefined;
    const [sub] = await svc.t.store.listSubscriptions({ teamId: 'T1', channelId: ch });
    await svc.t.store.setSubscriptionDisabled(sub.id, null);
    await sendSentry(svc, 'issue', issue(gid, 'resolved', 'resolved'));
    await eventually(() => parents(svc, ch).length === 1, 'parent posted by the next event');
    expect(replies(svc, ch)).toHaveLength(0);
  });

  it('counts deliveries by type on /metrics', async () => {
    const ch = await newChannel();
    await sendSentry(svc, 'issue', issue(String(Date.now() + 10), 'created'));
    await eventually(() => parents(svc, ch).length === 1, 'posted');
    const nobody = issue(String(Date.now() + 12), 'created') as { data: { issue: Record<string, unknown> } };
    nobody.data.issue.project = { id: '9', name: 'nobody', slug: 'nobody-subscribed' };
    await sendSentry(svc, 'issue', nobody);
    const dropped = /threadline_events_dropped_total\{type="sentry.issue.created",reason="no_subscriber"\} \d+/;
    await eventually(async () => dropped.test(await (await fetch(`${svc.url}/metrics`)).text()), 'drop counted');
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/threadline_deliveries_total\{type="sentry.issue.created",result="posted"\} \d+/);
    expect(text).toMatch(/threadline_webhooks_total\{source="sentry",outcome="accepted",type="sentry.issue.created"\} \d+/);
    expect(text).toMatch(/threadline_webhook_to_slack_seconds_count\{type="sentry.issue.created"\} \d+/);
    expect(text).toMatch(/threadline_slack_errors_total\{method="chat.postMessage",error="channel_not_found"\} 1/);
    expect(text).toMatch(dropped);
  });

  it('posts the plain-text fallback once on invalid_blocks', async () => {
    const ch = await newChannel();
    svc.slack.fault = (c) => (c.args.channel === ch && c.args.blocks ? { error: 'invalid_blocks' } : undefined);
    await sendSentry(svc, 'issue', issue(String(Date.now() + 6), 'created'));
    // The earlier tests' deliberate 5xx of this team may still hold its circuit breaker: the job
    // waits that out (as it would in production) before it posts, so allow for the hold.
    await eventually(() => posts(svc, ch).length === 1, 'fallback posted', 30_000);
    expect(posts(svc, ch)[0]?.args.blocks).toBeUndefined();
    expect(String(posts(svc, ch)[0]?.args.text)).not.toBe('');
  });

  it('delivers to every subscribed channel, and once per channel when two subscriptions match', async () => {
    const a = await newChannel();
    const b = await newChannel('acme/*');
    await subscribe(svc, { channelId: a, source: 'sentry', target: 'acme/*' });
    await sendSentry(svc, 'issue', issue(String(Date.now() + 7), 'created'));
    await eventually(() => posts(svc, a).length === 1 && posts(svc, b).length === 1, 'both channels');
    await new Promise((r) => setTimeout(r, 200));
    expect(posts(svc, a)).toHaveLength(1);
  });
});

describe.each<StoreKind>(['redis', 'sqlite'])('thread map after a restart on %s', (kind) => {
  it('replies in the old thread after the service restarted', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const env: Record<string, string> =
      kind === 'redis' ? { REDIS_PREFIX: `tl-rs-${randomUUID().slice(0, 8)}:` } : { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tl-rs-')) };
    const gid = String(Date.now() + 8);
    const a = await startService(kind, env);
    await subscribe(a, { channelId: 'CRESTART', source: 'sentry', target: ORG_PROJECT });
    await sendSentry(a, 'issue', issue(gid, 'created'));
    await eventually(async () => Boolean((await a.t.store.getThread('T1', 'CRESTART', `sentry:issue:${gid}`))?.ts), 'parent recorded');
    const parentTs = (await a.t.store.getThread('T1', 'CRESTART', `sentry:issue:${gid}`))?.ts;
    await a.t.shutdown();
    const b = await startService(kind, env, { fakeSlack: a.slack });
    try {
      await sendSentry(b, 'issue', issue(gid, 'resolved', 'resolved'));
      await eventually(() => a.slack.of('chat.postMessage').length === 2, 'reply');
      expect(a.slack.of('chat.postMessage')[1]?.args.thread_ts).toBe(parentTs);
    } finally {
      await b.stop();
      await a.slack.close();
    }
  });
});

describe('pacing', () => {
  it('spaces posts to one channel under a burst, losing and reordering nothing', async () => {
    // The whole burst waits in the queue before the worker starts: without pacing, the six posts
    // would follow each other as fast as Slack answers, however slow the sends were.
    const svc = await startService('redis', { SLACK_CHANNEL_INTERVAL_MS: '300' }, { worker: false });
    try {
      await installSentry(svc);
      await subscribe(svc, { channelId: 'CPACE', source: 'sentry', target: ORG_PROJECT });
      const gid = String(Date.now() + 11);
      for (let i = 0; i < 6; i++) await sendSentry(svc, 'comment', comment(gid, `paced-${i}`));
      const startedAt = Date.now();
      svc.t.startWorker();
      await eventually(() => posts(svc, 'CPACE').length === 6, 'six posts', 15_000);
      expect(posts(svc, 'CPACE').map((c) => c.at)).toEqual(notBeforeSlots(startedAt, 300, 6));
      const order = replies(svc, 'CPACE').map((c) => Number(/paced-(\d)/.exec(JSON.stringify(c.args))?.[1]));
      expect(order).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await svc.stop();
    }
  });
});

describe('pacing a burst', () => {
  it('keeps one channel within its pace without starving another channel', async () => {
    const svc = await startService('sqlite', { SLACK_CHANNEL_INTERVAL_MS: '400', WORKER_CONCURRENCY: '4' });
    try {
      await installSentry(svc);
      await subscribe(svc, { channelId: 'CBUSY', source: 'sentry', target: 'acme/busy' });
      await subscribe(svc, { channelId: 'CQUIET', source: 'sentry', target: ORG_PROJECT });
      const busy = (i: number) => {
        const p = issue(String(Date.now() + 100 + i), 'created') as { data: { issue: Record<string, unknown> } };
        p.data.issue.project = { id: '7', name: 'busy', slug: 'busy' };
        return p as never;
      };
      const sentAt = Date.now();
      for (let i = 0; i < 10; i++) await sendSentry(svc, 'issue', busy(i));
      await sendSentry(svc, 'issue', issue(String(Date.now() + 200), 'created'));
      // The quiet channel is not stuck behind the busy channel's ten paced posts (about 4 s).
      await eventually(() => posts(svc, 'CQUIET').length === 1, 'quiet channel posted', 15_000);
      expect(posts(svc, 'CBUSY').length).toBeLessThan(10);
      await eventually(() => posts(svc, 'CBUSY').length === 10, 'busy channel drained', 20_000);
      expect(posts(svc, 'CBUSY').map((c) => c.at)).toEqual(notBeforeSlots(sentAt, 400, 10));
    } finally {
      await svc.stop();
    }
  });
});
