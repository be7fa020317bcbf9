/**
 * Slack failing for longer than the client's retry: deliveries wait in the queue (in thread order)
 * and catch up; Retry-After holds the channel for every job and instance; one slow workspace holds
 * only its own share of calls.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import type { SlackCall } from '../helpers/fake-slack.js';
import { slackHoldKey } from '../../src/store/keys.js';

function issue(groupId: string, action: string, status = 'unresolved', project = 'mobile-app'): Record<string, unknown> {
  const p = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } } & Record<string, unknown>;
  const base = p.data.issue;
  const proj = { ...(base.project as Record<string, unknown>), slug: project, name: project };
  return { ...p, action, data: { ...p.data, issue: { ...base, id: groupId, status, project: proj } } };
}

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' } };
}

const newChannel = () => `C${randomUUID().slice(0, 8).toUpperCase()}`;
const posts = (svc: TestService, channel: string) => svc.slack.of('chat.postMessage', channel);

describe.each<StoreKind>(['redis', 'sqlite'])('a Slack outage on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    // A compressed day: deliveries give up after 60 s of failures, backing off up to 1 s. The gap
    // timeout is short: later events must keep waiting because the earlier job is still queued.
    svc = await startService(kind, { SLACK_OUTAGE_MAX_MS: '60000' }, { gapTimeoutMs: 300 });
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());
  afterEach(() => {
    svc.slack.fault = undefined;
  });

  it('holds deliveries through an outage longer than the client retries, then catches up in order, once each', async () => {
    const ch = newChannel();
    await subscribe(svc, { channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
    let failed = 0;
    svc.slack.fault = (c) => (c.args.channel === ch ? (failed++, { status: 503 }) : undefined);
    const gid = String(Date.now());
    for (let i = 0; i < 6; i++) expect((await sendSentry(svc, 'comment', comment(gid, `during-${i}`))).status).toBe(200);
    // Well past the client's own retries (3 calls a run): the job went back to the queue and came again.
    await eventually(() => failed >= 9, 'several failed runs', 20_000);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/threadline_slack_deferrals_total\{reason="outage"\} [1-9]/);
    expect(Number(/^threadline_queue_oldest_waiting_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(posts(svc, ch)).toHaveLength(0);
    svc.slack.fault = undefined;
    await eventually(() => posts(svc, ch).length === 6, 'caught up', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    // The first comment opens the thread with the issue's card; the others reply in send order.
    expect(posts(svc, ch)[0]?.args.thread_ts).toBeUndefined();
    const order = posts(svc, ch)
      .slice(1)
      .map((c) => Number(/during-(\d)/.exec(JSON.stringify(c.args))?.[1]));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect((await svc.t.store.listDeadLetters(100, { teamId: 'T1' })).filter((d) => d.channelId === ch)).toEqual([]);
  });
});

describe.each<StoreKind>(['redis', 'sqlite'])('an outage longer than SLACK_OUTAGE_MAX_MS on %s', (kind) => {
  it('dead-letters the delivery only after the outage window', async () => {
    const svc = await startService(kind, { SLACK_OUTAGE_MAX_MS: '1500' });
    try {
      await installSentry(svc);
      const ch = newChannel();
      await subscribe(svc, { channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
      const calls: number[] = [];
      svc.slack.fault = (c) => (c.args.channel === ch ? (calls.push(c.at), { status: 502 }) : undefined);
      await sendSentry(svc, 'issue', issue(String(Date.now() + 1), 'created'));
      await eventually(
        async () => (await svc.t.store.listDeadLetters(100, { teamId: 'T1' })).some((d) => d.channelId === ch),
        'dead letter',
        20_000,
      );
      const dl = (await svc.t.store.listDeadLetters(100, { teamId: 'T1' })).find((d) => d.channelId === ch);
      expect(dl?.reason).toBe('slack_http_502');
      // More than one run of the client's three calls, spread over the window.
      expect(calls.length).toBeGreaterThan(3);
      expect((calls.at(-1) as number) - calls[0]).toBeGreaterThanOrEqual(1500);
    } finally {
      await svc.stop();
    }
  });
});

describe.each<StoreKind>(['redis', 'sqlite'])("Slack's Retry-After on %s", (kind) => {
  it('holds the channel for every job of two instances: no call to it inside the window', async () => {
    const dir = kind === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'tl-hold-')) : undefined;
    // Paced (as in production, a little faster): without the hold, a call would land every 200 ms.
    const env: Record<string, string> = {
      SLACK_CHANNEL_INTERVAL_MS: '200',
      ...(dir ? { DATA_DIR: dir } : { REDIS_PREFIX: `tl-hold-${randomUUID().slice(0, 8)}:` }),
    };
    const a = await startService(kind, env);
    const b = await startService(kind, env, { fakeSlack: a.slack });
    try {
      await installSentry(a);
      const ch = newChannel();
      await subscribe(a, { channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
      const seen: SlackCall[] = [];
      let limitedAt = 0;
      a.slack.fault = (c) => {
        if (c.args.channel !== ch) return undefined;
        seen.push(c);
        if (!limitedAt) {
          limitedAt = c.at;
          return { status: 429, retryAfter: 1 };
        }
        return undefined;
      };
      const base = Date.now();
      await Promise.all(Array.from({ length: 8 }, (_, i) => sendSentry(i % 2 ? a : b, 'issue', issue(String(base + 10 + i), 'created'))));
      await eventually(() => posts(a, ch).length === 8, 'all posted', 20_000);
      // When the service had the 429: the hold it wrote ends Retry-After (1 s) later.
      const hold = await a.t.store.getRecord<{ until: number }>(slackHoldKey('T1', ch));
      expect(hold?.until).toBeGreaterThan(limitedAt);
      const heldFrom = (hold?.until ?? 0) - 1000;
      // No call may start inside the window once the hold is written. One the gate let through just
      // before it may still reach Slack a little later on a busy machine: 250 ms are allowed for that.
      const inWindow = seen.filter((c) => c.at > Math.max(limitedAt, heldFrom + 250) && c.at < limitedAt + 1000);
      expect(inWindow).toEqual([]);
      expect(seen.length).toBe(9); // the limited call, then each of the eight once
    } finally {
      await b.stop();
      await a.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each<StoreKind>(['redis', 'sqlite'])('a slow workspace on %s', (kind) => {
  it('holds at most TEAM_CONCURRENCY calls, and another workspace is served meanwhile', async () => {
    const svc = await startService(kind, { TEAM_CONCURRENCY: '2' });
    try {
      await installSentry(svc);
      const slowCh = newChannel();
      const otherCh = newChannel();
      await subscribe(svc, { teamId: 'TSLOW', channelId: slowCh, source: 'sentry', target: 'acme/mobile-app' });
      await subscribe(svc, { teamId: 'TOTHER', channelId: otherCh, source: 'sentry', target: 'acme/web' });
      const slowArrivals: number[] = [];
      const DELAY = 600;
      svc.slack.fault = (c) => (c.args.channel === slowCh ? (slowArrivals.push(c.at), { delayMs: DELAY }) : undefined);
      const base = Date.now();
      for (let i = 0; i < 10; i++) await sendSentry(svc, 'issue', issue(String(base + 100 + i), 'created'));
      await eventually(() => slowArrivals.length >= 2, 'the slow workspace is being served');
      for (let i = 0; i < 3; i++) await sendSentry(svc, 'issue', issue(String(base + 200 + i), 'created', 'unresolved', 'web'));
      await eventually(() => posts(svc, otherCh).length === 3, 'the other workspace posted');
      // The other workspace did not queue behind the slow one.
      expect(posts(svc, slowCh).length).toBeLessThan(10);
      await eventually(() => posts(svc, slowCh).length === 10, 'the slow workspace caught up', 30_000);
      // Calls of the slow team in flight at once (each takes DELAY): never more than the cap.
      const inFlight = slowArrivals.map((t) => slowArrivals.filter((u) => u >= t && u < t + DELAY).length);
      expect(Math.max(...inFlight)).toBeLessThanOrEqual(2);
      expect(posts(svc, slowCh)).toHaveLength(10);
    } finally {
      await svc.stop();
    }
  });
});
